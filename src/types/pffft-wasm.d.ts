/**
 * Types for @echogarden/pffft-wasm 0.4.2 (PFFFT compiled by Emscripten), as used by
 * src/dsp/pffft.ts. The package ships no declarations; only what we call is declared.
 */
declare module '@echogarden/pffft-wasm/simd' {
  export interface PffftModule {
    HEAPF32: Float32Array;
    /** `pffft_new_setup(N, transform)`: transform 0 = real, 1 = complex. Returns a pointer (0 on bad N). */
    _pffft_new_setup(n: number, transform: number): number;
    _pffft_destroy_setup(setup: number): void;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(ptr: number): void;
    /** `direction` 0 = forward. Ordered real output: [DC, Nyquist, re1, im1, re2, im2, …]. */
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
    /** As `_pffft_transform_ordered` (direction 1 = backward, unnormalised), in PFFFT's internal bin order. */
    _pffft_transform(setup: number, input: number, output: number, work: number, direction: number): void;
    /** `ab += a · b · scaling` for spectra in the internal order of `_pffft_transform`. */
    _pffft_zconvolve_accumulate(setup: number, a: number, b: number, ab: number, scaling: number): void;
  }
  const createModule: (options?: Record<string, unknown>) => Promise<PffftModule>;
  export default createModule;
}
