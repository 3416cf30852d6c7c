/**
 * `sentio-frames`: the fast frame-level descriptors behind the default model, all from one
 * STFT pass (93 ms Hann window, 46.4 ms hop):
 *   - 64 log-mel bands (Slaney, 0–11025 Hz, dB re 1 with a fixed −100 dB floor instead of
 *     librosa's file-global top_db, so the live and offline values are identical),
 *   - 20 MFCC (DCT-II ortho of those bands),
 *   - spectral centroid (kHz), 85 % roll-off (kHz), flatness, flux (L2 of the frame-to-frame
 *     change of the L1-normalised magnitude spectrum) and RMS level (dB),
 *   - 12 chroma (librosa chroma filterbank on the power spectrum, each frame max-normalised).
 *
 * The analysis band stops at 11025 Hz, so the set is defined on a fixed time–frequency grid
 * rather than a sample rate: 22.05 kHz audio uses n_fft 2048 / hop 1024, and 44.1 kHz audio
 * n_fft 4096 / hop 2048 with the same filter shapes, which skips resampling (it costs as much
 * as the features themselves for a 44.1 kHz MP3). Other rates are resampled to 22.05 kHz.
 */
import { chromaFilterbank } from '../dsp/chroma.ts';
import { dctBasis } from '../dsp/mfcc.ts';
import { StreamingFramer } from '../dsp/framer.ts';
import { applyBank, applyCompressedBank, compressedBank, melFilterbank, sparseBank } from '../dsp/mel.ts';
import { powerSpectrum } from '../dsp/pffft.ts';
import { getWindow } from '../dsp/window.ts';
import type { FeatureExtractor, FeatureMatrix, FeatureSet } from './types.ts';

const MEL_BANDS = 64;
const MFCC = 20;
const CHROMA = 12;
const BASE_RATE = 22050;
const BASE_FFT = 2048;
const BASE_HOP = 1024;
const SPECTRAL = ['centroid_khz', 'rolloff_khz', 'flatness', 'flux', 'rms_db'] as const;

export const sentioFrameColumns: readonly string[] = [
  ...Array.from({ length: MEL_BANDS }, (_, i) => `mel_${i}`),
  ...Array.from({ length: MFCC }, (_, i) => `mfcc_${i}`),
  ...SPECTRAL,
  ...['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'].map((p) => `chroma_${p}`),
];

/** Rates analysed without resampling (the grid scales exactly by 2). */
const NATIVE_SCALE: Readonly<Record<number, number>> = { 22050: 1, 44100: 2 };

function createExtractor(sampleRate: number): FeatureExtractor {
  const scale = NATIVE_SCALE[sampleRate];
  if (!scale) throw new RangeError(`sentio-frames: unsupported analysis rate ${sampleRate} Hz (use 22050 or 44100)`);
  const nFft = BASE_FFT * scale;
  const hop = BASE_HOP * scale;
  const bins = nFft / 2 + 1;
  // Only bins up to 11025 Hz take part, so both rates see the same band.
  const usedBins = Math.floor((11025 * nFft) / sampleRate) + 1;
  const window = getWindow('hann', nFft);
  const spectrum = powerSpectrum(nFft);
  const mel = sparseBank(melFilterbank({ sampleRate, nFft, nMels: MEL_BANDS, fmax: 11025 }));
  // librosa's chroma filters are Gaussians that never reach zero; weights below 1e-6 of the
  // largest change no output beyond float32 precision but are 60 % of the work: drop them.
  // Chroma also stops at 11025 Hz (librosa's filters span the whole spectrum): 44.1 kHz audio
  // then gets the same chroma as at 22.05 kHz, for half the work.
  const chromaFb = chromaFilterbank({ sampleRate, nFft });
  let chromaMax = 0;
  for (const v of chromaFb.data) chromaMax = Math.max(chromaMax, Math.abs(v));
  for (let i = 0; i < chromaFb.data.length; i++) {
    if (Math.abs(chromaFb.data[i]) < 1e-6 * chromaMax || i % chromaFb.cols >= usedBins) chromaFb.data[i] = 0;
  }
  const chroma = compressedBank(chromaFb);
  const dct = dctBasis(MEL_BANDS, MFCC);
  const binHz = sampleRate / nFft;
  const dims = sentioFrameColumns.length;
  const power = new Float64Array(bins);
  const magnitude = new Float64Array(usedBins);
  const pooledBins = Math.ceil(usedBins / scale);
  const previous = new Float64Array(pooledBins);
  const bands = new Float64Array(MEL_BANDS);
  const logBands = new Float64Array(MEL_BANDS);
  const pitch = new Float64Array(CHROMA);
  // Window energy normalisation so the RMS level is the signal's, not the window's.
  let windowPower = 0;
  for (let i = 0; i < nFft; i++) windowPower += window[i] * window[i];
  // Power spectra at 44.1 kHz/4096 are 4× those at 22.05 kHz/2048 for the same signal
  // (twice the samples, squared): scale them back so both rates give the same dB values.
  const powerScale = 1 / (scale * scale);
  let out = new Float32Array(dims * 512);
  let hasPrevious = false;

  const framer = new StreamingFramer(nFft, hop, true, (frame, t) => {
    const windowed = spectrum.input();
    for (let i = 0; i < nFft; i++) windowed[i] = frame[i] * window[i];
    spectrum.power(power, powerScale, usedBins);
    let total = 0;
    let magSum = 0;
    for (let k = 0; k < usedBins; k++) {
      const p = power[k];
      total += p;
      const m = Math.sqrt(p);
      magnitude[k] = m;
      magSum += m;
    }
    if ((t + 1) * dims > out.length) {
      const grown = new Float32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    const row = t * dims;
    applyBank(mel, power, bands);
    for (let i = 0; i < MEL_BANDS; i++) {
      logBands[i] = 10 * Math.log10(Math.max(1e-10, bands[i]));
      out[row + i] = logBands[i];
    }
    for (let k = 0; k < MFCC; k++) {
      let acc = 0;
      for (let n = 0; n < MEL_BANDS; n++) acc += dct[k * MEL_BANDS + n] * logBands[n];
      out[row + MEL_BANDS + k] = acc;
    }
    // Spectral shape over the analysed band.
    let centroid = 0;
    let logSum = 0;
    // Σ log(m + 1e-10) as the log of products of 16 terms: 16× fewer logs (they were ~20 % of
    // the frame's time); each product stays within 1e-160…1e80, far from float64's limits.
    for (let k0 = 0; k0 < usedBins; k0 += 16) {
      let product = 1;
      for (let k = k0, end = Math.min(usedBins, k0 + 16); k < end; k++) {
        centroid += k * magnitude[k];
        product *= magnitude[k] + 1e-10;
      }
      logSum += Math.log(product);
    }
    centroid *= binHz;
    centroid = magSum > 0 ? centroid / magSum : 0;
    let rolloff = 0;
    let cumulative = 0;
    for (let k = 0; k < usedBins; k++) {
      cumulative += power[k];
      if (cumulative >= 0.85 * total) {
        rolloff = k * binHz;
        break;
      }
    }
    const arithmetic = magSum / usedBins;
    const flatness = arithmetic > 1e-10 ? Math.exp(logSum / usedBins) / arithmetic : 0;
    // Flux on magnitudes pooled to the 22.05 kHz / 2048 bin grid, so both rates agree.
    let flux = 0;
    for (let k = 0; k < pooledBins; k++) {
      let m = 0;
      for (let j = k * scale; j < Math.min(usedBins, (k + 1) * scale); j++) m += magnitude[j];
      m = magSum > 0 ? m / magSum : 0;
      if (hasPrevious) flux += (m - previous[k]) ** 2;
      previous[k] = m;
    }
    hasPrevious = true;
    // Parseval: Σ|X|² over the full spectrum ≈ (nFft/2)·Σ(w·x)²; band-limited like the rest.
    const rms = Math.sqrt((2 * total) / (nFft * windowPower) * scale * scale);
    const s = row + MEL_BANDS + MFCC;
    out[s] = centroid / 1000;
    out[s + 1] = rolloff / 1000;
    out[s + 2] = flatness;
    out[s + 3] = Math.sqrt(flux);
    out[s + 4] = 20 * Math.log10(Math.max(1e-5, rms));
    applyCompressedBank(chroma, power, pitch);
    let peak = 0;
    for (let i = 0; i < CHROMA; i++) peak = Math.max(peak, pitch[i]);
    for (let i = 0; i < CHROMA; i++) out[s + SPECTRAL.length + i] = peak > 0 ? pitch[i] / peak : 0;
  });

  return {
    push: (samples) => framer.push(samples),
    finish(): FeatureMatrix {
      const frames = framer.finish();
      const times = new Float64Array(frames);
      for (let t = 0; t < frames; t++) times[t] = (t * hop) / sampleRate;
      return {
        set: 'sentio-frames',
        sampleRate,
        hopSeconds: hop / sampleRate,
        columns: sentioFrameColumns,
        frames: { rows: frames, cols: dims, data: out.slice(0, frames * dims) },
        times,
      };
    },
  };
}

export const sentioFrames: FeatureSet = {
  name: 'sentio-frames',
  description: 'fast default-model descriptors from one STFT pass: 64 log-mel, 20 MFCC, centroid, roll-off, flatness, flux, RMS, 12 chroma (46.4 ms hop)',
  sampleRate: BASE_RATE,
  hopSeconds: BASE_HOP / BASE_RATE,
  columns: sentioFrameColumns,
  minSamples: 1,
  nativeRates: [22050, 44100],
  createExtractor: () => createExtractor(BASE_RATE),
  createExtractorAt: (rate: number) => createExtractor(rate),
};
