/**
 * Log-mel feature sets: `logmel` (frame-level, the input of CNN models) and
 * `malik-logmel` (500 ms segments, Malik et al. 2017 §3.2.2).
 */
import { realFft } from '../dsp/fft.ts';
import { StreamingFramer } from '../dsp/framer.ts';
import { applyBank, melFilterbank, sparseBank } from '../dsp/mel.ts';
import { getWindow } from '../dsp/window.ts';
import type { FeatureExtractor, FeatureMatrix, FeatureSet } from './types.ts';

export interface LogMelRecipe {
  name: string;
  description: string;
  sampleRate: number;
  nFft: number;
  hopLength: number;
  nMels: number;
  center: boolean;
  /** power_to_db floor below the global maximum, dB. */
  topDb: number;
}

/**
 * A streaming log-mel extractor: STFT frame → |X|² → sparse mel filterbank →
 * 10·log10(max(1e-10, ·)), with librosa's global top_db floor applied at the end
 * (it depends on the maximum over the whole file). Equals
 * `powerToDb(melSpectrogram(y, ...))` transposed to [frames × nMels].
 */
export function logMelSet(r: LogMelRecipe): FeatureSet {
  const columns = Array.from({ length: r.nMels }, (_, i) => `mel_${i}`);
  return {
    name: r.name,
    description: r.description,
    sampleRate: r.sampleRate,
    hopSeconds: r.hopLength / r.sampleRate,
    columns,
    minSamples: r.center ? 1 : r.nFft,
    createExtractor(): FeatureExtractor {
      const nFft = r.nFft;
      const nMels = r.nMels;
      const window = getWindow('hann', nFft);
      const fft = realFft(nFft);
      const bins = fft.bins;
      const bank = sparseBank(melFilterbank({ sampleRate: r.sampleRate, nFft, nMels }));
      const windowed = new Float64Array(nFft);
      const power = new Float64Array(bins);
      const bands = new Float64Array(nMels);
      let out = new Float32Array(nMels * 256);
      let max = -Infinity;
      const framer = new StreamingFramer(nFft, r.hopLength, r.center, (frame, t) => {
        for (let i = 0; i < nFft; i++) windowed[i] = frame[i] * window[i];
        const spectrum = fft.forwardView(windowed);
        for (let k = 0; k < bins; k++) {
          const re = spectrum[2 * k];
          const im = spectrum[2 * k + 1];
          power[k] = re * re + im * im;
        }
        if ((t + 1) * nMels > out.length) {
          const grown = new Float32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        applyBank(bank, power, bands);
        const base = t * nMels;
        for (let i = 0; i < nMels; i++) {
          // librosa stores the mel power as float32 before taking the log.
          const db = 10 * Math.log10(Math.max(1e-10, Math.fround(bands[i])));
          out[base + i] = db;
          if (db > max) max = db;
        }
      });
      return {
        push: (samples) => framer.push(samples),
        finish(): FeatureMatrix {
          const frames = framer.finish();
          const data = out.slice(0, frames * r.nMels);
          const floor = Math.fround(max - r.topDb);
          for (let i = 0; i < data.length; i++) if (data[i] < floor) data[i] = floor;
          const times = new Float64Array(frames);
          for (let t = 0; t < frames; t++) times[t] = (t * r.hopLength) / r.sampleRate;
          return { set: r.name, sampleRate: r.sampleRate, hopSeconds: r.hopLength / r.sampleRate, columns, frames: { rows: frames, cols: r.nMels, data }, times };
        },
      };
    },
  };
}

/**
 * `logmel`: 22.05 kHz, n_fft 2048 (93 ms), hop 512 (23.2 ms, 43.07 frames/s), centred
 * frames, 128 Slaney mel bands 0–11025 Hz, power in dB re 1.0 with librosa's global
 * 80 dB floor. [frames × 128]; times are frame centres.
 */
export const logmel: FeatureSet = logMelSet({
  name: 'logmel',
  description: 'frame-level log mel spectrogram: 22.05 kHz, n_fft 2048, hop 512, 128 Slaney mel bands, dB (top_db 80)',
  sampleRate: 22050,
  nFft: 2048,
  hopLength: 512,
  nMels: 128,
  center: true,
  topDb: 80,
});

/**
 * `malik-logmel`: Malik et al. (2017) §3.2.2 — log mel-band energies of non-overlapping
 * 500 ms segments: 22.05 kHz, one 11025-sample Hann frame per segment (no padding),
 * 40 Slaney mel bands 0–11025 Hz, dB re 1.0, global 80 dB floor. [segments × 40];
 * times are segment starts (0, 0.5, 1.0, ... s); a final partial segment is dropped.
 */
export const malikLogmel: FeatureSet = logMelSet({
  name: 'malik-logmel',
  description: 'Malik et al. 2017 raw feature: 40 log mel bands per non-overlapping 500 ms segment (n_fft = hop = 11025, no padding)',
  sampleRate: 22050,
  nFft: 11025,
  hopLength: 11025,
  nMels: 40,
  center: false,
  topDb: 80,
});
