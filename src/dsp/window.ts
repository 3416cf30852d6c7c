/** Analysis windows (scipy.signal.get_window conventions). */

export type WindowName = 'hann' | 'hamming' | 'rectangular';

/**
 * A window of `length` samples. `periodic` (librosa's default, scipy's fftbins=True)
 * uses denominator N, the symmetric form N - 1.
 */
export function getWindow(name: WindowName, length: number, periodic = true): Float64Array {
  const w = new Float64Array(length);
  const denom = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) {
    const phase = denom > 0 ? (2 * Math.PI * n) / denom : 0;
    switch (name) {
      case 'hann':
        w[n] = 0.5 - 0.5 * Math.cos(phase);
        break;
      case 'hamming':
        w[n] = 0.54 - 0.46 * Math.cos(phase);
        break;
      case 'rectangular':
        w[n] = 1;
        break;
      default:
        throw new RangeError(`unknown window '${name as string}'`);
    }
  }
  return w;
}

/** Centre a window of length <= nFft inside nFft zeros (librosa.util.pad_center). */
export function padCenter(w: Float64Array, nFft: number): Float64Array {
  if (w.length > nFft) throw new RangeError(`window length ${w.length} exceeds n_fft ${nFft}`);
  if (w.length === nFft) return w;
  const out = new Float64Array(nFft);
  out.set(w, (nFft - w.length) >> 1);
  return out;
}
