/**
 * Access to the golden arrays (librosa 0.10.2 / pyAudioAnalysis): ../shared/reference when it
 * is there, else the subset committed in test/fixtures/reference (gzipped copies of some of
 * its files). See ../shared/reference/README.md for conventions and tolerances.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { Matrix } from '../../src/dsp/matrix.ts';
import { SHARED, sharedPath } from './shared.ts';

export { SHARED };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED_REFERENCE = sharedPath('reference');
const SUBSET = path.resolve(here, '../fixtures/reference');
const fromShared = existsSync(path.join(SHARED_REFERENCE, 'manifest.json'));
/** The folder the arrays are read from. */
export const REFERENCE_DIR = fromShared ? SHARED_REFERENCE : SUBSET;

interface ManifestArray {
  name: string;
  file: string;
  shape: number[];
  call?: string;
}
interface Manifest {
  arrays: ManifestArray[];
  signals: { name: string; file: string; shape: number[]; sr: number }[];
  pyAudioAnalysis_feature_names: string[];
  estimated_tuning_chroma_stft: Record<string, number>;
  /** Only in the committed subset: what it leaves out. */
  subset?: { omitted_signals: string[]; omitted_arrays: string[] };
}

let manifestCache: Manifest | undefined;
export function manifest(): Manifest {
  manifestCache ??= JSON.parse(readFileSync(path.join(REFERENCE_DIR, 'manifest.json'), 'utf8')) as Manifest;
  return manifestCache;
}

export function hasReference(): boolean {
  return existsSync(path.join(REFERENCE_DIR, 'manifest.json'));
}

/**
 * The `skip` option for a test reading these signals and arrays: false when all are at hand,
 * else one line naming the ones the committed subset lacks. A name in neither the manifest nor
 * the subset's list of omissions is a typo and throws, so it cannot turn into a silent skip.
 */
export function referenceSkip(...names: string[]): string | false {
  const m = manifest();
  const present = new Set([...m.signals, ...m.arrays].map((x) => x.name));
  const omitted = new Set([...(m.subset?.omitted_signals ?? []), ...(m.subset?.omitted_arrays ?? [])]);
  const unknown = names.filter((n) => !present.has(n) && !omitted.has(n));
  if (unknown.length) throw new Error(`no reference signal or array named ${unknown.join(', ')}`);
  const missing = names.filter((n) => !present.has(n));
  return missing.length === 0 ? false : `skipped: ../shared/reference not found and test/fixtures/reference lacks ${missing.join(', ')}`;
}

function readF32(file: string): Float32Array {
  const stored = readFileSync(path.join(REFERENCE_DIR, file));
  const buf = file.endsWith('.gz') ? gunzipSync(stored) : stored;
  const out = new Float32Array(buf.byteLength / 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** A reference signal (s1..s5) and its sample rate. */
export function signal(name: string): { y: Float32Array; sampleRate: number } {
  const s = manifest().signals.find((x) => x.name === name);
  if (!s) throw new Error(`no reference signal ${name}`);
  return { y: readF32(s.file), sampleRate: s.sr };
}

/** A reference array as a matrix (1-D arrays become [1, n]). */
export function golden(name: string): Matrix<Float32Array> {
  const a = manifest().arrays.find((x) => x.name === name);
  if (!a) throw new Error(`no reference array ${name}`);
  const data = readF32(a.file);
  const [rows, cols] = a.shape.length === 1 ? [1, a.shape[0]] : [a.shape[0], a.shape[1]];
  assert.equal(data.length, rows * cols, `${name}: file size matches shape`);
  return { rows, cols, data };
}

export interface Tolerance {
  /** Absolute tolerance. */
  atol?: number;
  /** Relative to |golden| per element. */
  rtol?: number;
  /** Relative to max |golden| over the array. */
  peakRel?: number;
}

/** Asserts |actual − golden| ≤ atol + rtol·|g| + peakRel·max|g| element-wise (in float64). */
export function assertClose(actual: Matrix | Float32Array | Float64Array, expected: Matrix, tol: Tolerance, label: string): void {
  const a = 'data' in actual ? actual : { rows: 1, cols: actual.length, data: actual };
  assert.equal(a.rows, expected.rows, `${label}: rows ${a.rows} vs golden ${expected.rows}`);
  assert.equal(a.cols, expected.cols, `${label}: cols ${a.cols} vs golden ${expected.cols}`);
  let peak = 0;
  for (let i = 0; i < expected.data.length; i++) peak = Math.max(peak, Math.abs(expected.data[i]));
  let worst = 0;
  let worstAt = -1;
  let bad = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const g = expected.data[i];
    const d = Math.abs(a.data[i] - g);
    const allowed = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(g) + (tol.peakRel ?? 0) * peak;
    if (!(d <= allowed)) {
      bad++;
      if (!(d / (allowed || 1) <= worst)) {
        worst = d / (allowed || 1);
        worstAt = i;
      }
    }
  }
  if (bad > 0) {
    const r = Math.floor(worstAt / expected.cols);
    const c = worstAt % expected.cols;
    assert.fail(`${label}: ${bad} of ${expected.data.length} cells out of tolerance; worst at [${r}, ${c}]: got ${a.data[worstAt]}, golden ${expected.data[worstAt]}`);
  }
}
