/**
 * File to output against the golden arrays: the golden input signal s1 written as WAV files,
 * run through the real CLI (`sentio features`), compared with librosa / pyAudioAnalysis.
 *
 * Which golden applies depends on what the file holds (see ../shared/reference/README.md):
 * - librosa's arrays (logmel ↔ s1_melspec_db, malik-logmel ↔ s1_logmel_500ms_nmels40) were
 *   computed from the float32 samples. A 32-bit float WAV holds them (sox's copy differs by
 *   ≤ 3e-8), a 24-bit WAV nearly so; 16-bit quantisation noise (about −101 dBFS) lifts the
 *   quiet high mel bands far past the 1e-3 dB tolerance, so for the 16-bit file those sets
 *   have no golden.
 * - pyAudioAnalysis's array (pyaa68 ↔ s1_paa_st_features) was computed from round(s1·32767)
 *   read back as / 32768, which is exactly what a 16-bit WAV of s1 decodes to (libsndfile also
 *   writes with 32767 and reads with 32768); from unquantised input it differs by more than its
 *   tolerance, so only the 16-bit file has a golden there.
 * Every (file, set) pair is also checked to equal, bit for bit, the in-memory features of the
 * samples the file is known to hold, computed without the decoder under test.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { encodeWav } from '../helpers/wav.ts';
import { golden, referenceSkip, signal } from '../helpers/reference.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { getFeatureSet } from '../../src/features/index.ts';
import { computeFeatures } from '../../src/features/types.ts';
import type { Matrix } from '../../src/dsp/matrix.ts';

/** The golden input s1 at 22050 Hz, or the one-line reason to skip (s1 is not in the committed subset). */
function goldenInput(): { y: Float32Array; skip: false } | { y: null; skip: string } {
  const skip = referenceSkip('s1', 's1_melspec_db', 's1_logmel_500ms_nmels40', 's1_paa_st_features');
  if (skip) return { y: null, skip };
  const { y, sampleRate } = signal('s1');
  assert.equal(sampleRate, 22050);
  return { y, skip: false };
}

const input = goldenInput();
const soxMissing = spawnSync('sox', ['--version']).error !== undefined;

/** |x − g| allowed for golden cell i of a [dims × frames] array (README tolerances). */
type Tolerance = (g: Matrix, i: number) => number;
const atol = (a: number): Tolerance => () => a;
/** pyAudioAnalysis: per feature row, 1e-5·max|row| + 1e-7. */
const pyaaRows: Tolerance = (() => {
  const cache = new WeakMap<Matrix, Float64Array>();
  return (g, i) => {
    let peaks = cache.get(g);
    if (!peaks) {
      peaks = new Float64Array(g.rows);
      for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) peaks[r] = Math.max(peaks[r], Math.abs(g.data[r * g.cols + c]));
      cache.set(g, peaks);
    }
    return 1e-5 * peaks[Math.floor(i / g.cols)] + 1e-7;
  };
})();

const SETS: { set: string; golden: string; tolerance: Tolerance; tolText: string }[] = [
  { set: 'logmel', golden: 's1_melspec_db', tolerance: atol(1e-3), tolText: 'atol 1e-3 dB' },
  { set: 'malik-logmel', golden: 's1_logmel_500ms_nmels40', tolerance: atol(1e-3), tolText: 'atol 1e-3 dB' },
  { set: 'pyaa68', golden: 's1_paa_st_features', tolerance: pyaaRows, tolText: '1e-5·max|row| + 1e-7' },
];

interface WavKind {
  kind: string;
  skip: string | false;
  /** Feature sets whose golden was computed from the samples this file holds. */
  goldenApplies: string[];
  /** Writes the file; returns its path and the samples it holds, obtained without Sentio's decoder. */
  write(dir: string, y: Float32Array): { file: string; held: Float32Array };
}

const KINDS: WavKind[] = [
  {
    kind: '16-bit PCM',
    skip: false,
    goldenApplies: ['pyaa68'],
    write(dir, y) {
      const file = path.join(dir, 's1-pcm16.wav');
      writeFileSync(file, encodeWav([y], 22050, 'pcm16'));
      return { file, held: Float32Array.from(y, (v) => Math.round(v * 32767) / 32768) };
    },
  },
  {
    kind: '24-bit PCM',
    skip: false,
    goldenApplies: ['logmel', 'malik-logmel'],
    write(dir, y) {
      const file = path.join(dir, 's1-pcm24.wav');
      writeFileSync(file, encodeWav([y], 22050, 'pcm24'));
      return { file, held: Float32Array.from(y, (v) => Math.round(v * 8388607) / 8388608) };
    },
  },
  {
    kind: '32-bit float by sox',
    skip: soxMissing && 'sox not installed',
    goldenApplies: ['logmel', 'malik-logmel'],
    write(dir, y) {
      const raw = path.join(dir, 's1.raw');
      const file = path.join(dir, 's1-float.wav');
      writeFileSync(raw, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
      sox('-t', 'raw', '-r', '22050', '-e', 'floating-point', '-b', '32', '-c', '1', raw, file);
      // sox's own reading of its file is the reference for what it holds.
      const back = path.join(dir, 's1-back.raw');
      sox(file, '-t', 'raw', '-e', 'floating-point', '-b', '32', back);
      const b = readFileSync(back);
      return { file, held: Float32Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(4 * i)) };
    },
  },
];

function sox(...args: string[]): void {
  const r = spawnSync('sox', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `sox ${args.join(' ')}: ${r.stderr}`);
}

/** Worst |x − g| / allowed over all cells; x is [frames × dims] as the CLI writes it, g is [dims × frames]. */
function worstRatio(frames: Float32Array, g: Matrix, tolerance: Tolerance): { ratio: number; at: string } {
  let ratio = 0;
  let at = '';
  for (let d = 0; d < g.rows; d++) {
    for (let t = 0; t < g.cols; t++) {
      const i = d * g.cols + t;
      const r = Math.abs(frames[t * g.rows + d] - g.data[i]) / tolerance(g, i);
      if (!(r <= ratio)) {
        ratio = r;
        at = `[${d}, ${t}]: got ${frames[t * g.rows + d]}, golden ${g.data[i]}`;
      }
    }
  }
  return { ratio, at };
}

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sentio-golden-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const k of KINDS) {
  test(`${k.kind} WAV of the golden input through sentio features: decoded exactly, goldens within tolerance where they apply`, { skip: input.skip || k.skip }, async (t) => {
    const y = input.y!;
    const { file, held } = k.write(dir, y);
    for (const s of SETS) {
      const out = path.join(dir, `${path.basename(file)}.${s.set}.npy`);
      const r = await runCli('features', file, '--set', s.set, '--format', 'npy', '--out', out);
      assert.equal(r.code, 0, r.stderr);
      const npy = decodeNpy(readFileSync(out));
      const g = golden(s.golden);
      assert.deepEqual(npy.shape, [g.cols, g.rows], `${s.set}: [frames, dims]`);

      // The decoder is exact: the file's output is the in-memory result of what the file holds.
      const expected = computeFeatures(getFeatureSet(s.set), held).frames.data;
      const differs = npy.data.findIndex((v, i) => !Object.is(v, expected[i]));
      assert.equal(differs, -1, `${s.set}: CLI output differs from the features of the samples the file holds at ${differs}: ${npy.data[differs]} vs ${expected[differs]}`);

      const { ratio, at } = worstRatio(npy.data, g, s.tolerance);
      const applies = k.goldenApplies.includes(s.set);
      const shown = ratio < 0.01 ? ratio.toExponential(1) : ratio.toPrecision(3);
      t.diagnostic(`${s.set}: max error ${shown}× the tolerance (${s.tolText})${applies ? '' : ', golden not applicable to this input'}`);
      if (applies) assert.ok(ratio <= 1, `${s.set} vs ${s.golden}: ${ratio.toPrecision(3)}× the tolerance at ${at}`);
    }
  });
}
