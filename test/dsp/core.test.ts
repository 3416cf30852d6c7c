import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signal, golden, assertClose, referenceSkip } from '../helpers/reference.ts';
import { spectrogram } from '../../src/dsp/stft.ts';
import { melFilterbank, melFrequencies, melSpectrogram, hzToMel, melToHz } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/convert.ts';
import { mfcc } from '../../src/dsp/mfcc.ts';
import { delta } from '../../src/dsp/delta.ts';
import { realFft } from '../../src/dsp/fft.ts';

const SIGNALS = ['s1', 's2', 's3', 's5'] as const;
const SPEC_TOL = { peakRel: 1e-6, rtol: 1e-4 };

test('realFft of a non-power-of-two size (Bluestein) equals the direct DFT', () => {
  for (const n of [11025, 1102, 6, 7]) {
    const x = new Float64Array(n).map((_, i) => Math.sin(i * 0.37) + 0.1 * Math.cos(i * 2.1) + (i % 5) * 0.01);
    const out = new Float64Array(2 * (Math.floor(n / 2) + 1));
    realFft(n).forward(x, out);
    for (const k of [0, 1, Math.floor(n / 3), Math.floor(n / 2)]) {
      let re = 0, im = 0;
      for (let i = 0; i < n; i++) {
        re += x[i] * Math.cos((2 * Math.PI * k * i) / n);
        im -= x[i] * Math.sin((2 * Math.PI * k * i) / n);
      }
      assert.ok(Math.abs(out[2 * k] - re) < 1e-8 * n && Math.abs(out[2 * k + 1] - im) < 1e-8 * n, `n=${n} k=${k}`);
    }
  }
});

const CORNERS = ['melfreqs_sr22050_nfft2048_nmels128_slaney', 'melfreqs_sr22050_nfft2048_nmels128_htk_nonorm', 'melfreqs_sr16000_nfft512_nmels40_slaney'];
test('mel scale round-trips and matches librosa corner frequencies', { skip: referenceSkip(...CORNERS) }, () => {
  for (const f of [0, 440, 999, 1000, 5000, 11025]) {
    assert.ok(Math.abs(melToHz(hzToMel(f)) - f) < 1e-9);
    assert.ok(Math.abs(melToHz(hzToMel(f, true), true) - f) < 1e-9);
  }
  assertClose(melFrequencies(130, 0, 11025), golden('melfreqs_sr22050_nfft2048_nmels128_slaney'), { atol: 1e-3 }, 'slaney corners');
  assertClose(melFrequencies(130, 0, 11025, true), golden('melfreqs_sr22050_nfft2048_nmels128_htk_nonorm'), { atol: 1e-3 }, 'htk corners');
  assertClose(melFrequencies(42, 0, 8000), golden('melfreqs_sr16000_nfft512_nmels40_slaney'), { atol: 1e-3 }, '16k corners');
});

const MEL_FBS = ['melfb_sr22050_nfft2048_nmels128_slaney', 'melfb_sr22050_nfft2048_nmels128_htk_nonorm', 'melfb_sr16000_nfft512_nmels40_slaney', 'melfb_sr22050_nfft11025_nmels40_slaney'];
test('mel filterbanks match librosa.filters.mel (Slaney/HTK, norm/no norm, odd n_fft)', { skip: referenceSkip(...MEL_FBS) }, () => {
  const tol = { atol: 3e-8, peakRel: 7e-8 };
  assertClose(melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 128 }), golden('melfb_sr22050_nfft2048_nmels128_slaney'), tol, 'slaney');
  assertClose(melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 128, htk: true, norm: null }), golden('melfb_sr22050_nfft2048_nmels128_htk_nonorm'), tol, 'htk');
  assertClose(melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40, fmax: 8000 }), golden('melfb_sr16000_nfft512_nmels40_slaney'), tol, '16k');
  assertClose(melFilterbank({ sampleRate: 22050, nFft: 11025, nMels: 40 }), golden('melfb_sr22050_nfft11025_nmels40_slaney'), tol, 'n_fft 11025');
});

for (const name of SIGNALS) {
  const arrays = ['stft_mag', 'melspec', 'melspec_db', 'melspec_db_refmax', 'mfcc20', ...(name === 's5' ? [] : ['mfcc20_delta'])].map((a) => `${name}_${a}`);
  test(`${name}: STFT magnitude, mel spectrogram, dB and MFCC match librosa`, { skip: referenceSkip(name, ...arrays) }, () => {
    const { y, sampleRate } = signal(name);
    assertClose(spectrogram(y, { nFft: 2048, hopLength: 512 }), golden(`${name}_stft_mag`), SPEC_TOL, `${name} stft_mag`);
    const S = melSpectrogram(y, { sampleRate, nFft: 2048, hopLength: 512 });
    assertClose(S, golden(`${name}_melspec`), SPEC_TOL, `${name} melspec`);
    assertClose(powerToDb(S), golden(`${name}_melspec_db`), { atol: 1e-3 }, `${name} melspec_db`);
    assertClose(powerToDb(S, { ref: 'max' }), golden(`${name}_melspec_db_refmax`), { atol: 1e-3 }, `${name} melspec_db_refmax`);
    const M = mfcc(y, { sampleRate, nMfcc: 20 });
    assertClose(M, golden(`${name}_mfcc20`), { atol: 2e-3 }, `${name} mfcc20`);
    if (name !== 's5') assertClose(delta(M), golden(`${name}_mfcc20_delta`), { atol: 5e-4 }, `${name} mfcc20 delta`);
  });
}

const S4_ARRAYS = ['s4_melspec_sr16000_nfft512_hop256_nmels40', 's4_melspec_sr16000_nfft512_hop256_nmels40_db', 's4_mfcc13_sr16000_nfft512_hop256_nmels40'];
test('s1: MFCC with 40 mels; s4 at 16 kHz with n_fft 512 / hop 256', { skip: referenceSkip('s1', 's1_mfcc13_mels40', 's4', ...S4_ARRAYS) }, () => {
  const s1 = signal('s1');
  assertClose(mfcc(s1.y, { sampleRate: 22050, nMfcc: 13, nMels: 40 }), golden('s1_mfcc13_mels40'), { atol: 2e-3 }, 's1 mfcc13');
  const s4 = signal('s4');
  const opts = { sampleRate: 16000, nFft: 512, hopLength: 256, nMels: 40 };
  const S = melSpectrogram(s4.y, opts);
  assertClose(S, golden('s4_melspec_sr16000_nfft512_hop256_nmels40'), SPEC_TOL, 's4 melspec');
  assertClose(powerToDb(S), golden('s4_melspec_sr16000_nfft512_hop256_nmels40_db'), { atol: 1e-3 }, 's4 db');
  assertClose(mfcc(s4.y, { ...opts, nMfcc: 13 }), golden('s4_mfcc13_sr16000_nfft512_hop256_nmels40'), { atol: 2e-3 }, 's4 mfcc');
});

test('powerToDb floors at max − topDb over the whole array and rejects bad amin', () => {
  const db = powerToDb(new Float64Array([1, 1e-3, 1e-12, 0]), { topDb: 20 });
  assert.deepEqual(Array.from(db), [0, -20, -20, -20]);
  assert.throws(() => powerToDb(new Float64Array([1]), { amin: 0 }), /amin/);
});

test('delta refuses windows wider than the signal (like librosa)', () => {
  assert.throws(() => delta({ rows: 1, cols: 5, data: new Float32Array(5) }), /exceeds/);
});
