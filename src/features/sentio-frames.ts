/**
 * `sentio-frames`: the fast frame-level descriptors behind the default model, all from one
 * STFT pass (93 ms Hann window, 46.4 ms hop):
 *   - 64 log-mel bands (Slaney, 0–8000 Hz, dB re 1 with a fixed −100 dB floor instead of
 *     librosa's file-global top_db, so the live and offline values are identical),
 *   - 20 MFCC (DCT-II ortho of those bands),
 *   - spectral centroid (kHz), 85 % roll-off (kHz), flatness, flux (L2 of the frame-to-frame
 *     change of the L1-normalised magnitude spectrum) and RMS level (dB),
 *   - 12 chroma (librosa chroma filterbank on the power spectrum, each frame max-normalised).
 *
 * Every column is computed from the band below {@link ANALYSIS_FMAX_HZ} (8 kHz) only. Music
 * reaches us through codecs that cut the top of the spectrum at very different places: of 90
 * sampled 4Q training clips, 56 stop at 10–10.5 kHz and 20 at 8–8.5 kHz, while a 44.1 kHz
 * file at 128 kbit/s or more keeps everything up to 16 kHz or beyond. Above 8 kHz the mel
 * bands then differed by 20–40 dB between training clips and ordinary files, and that moved
 * every MFCC, the centroid, roll-off, flatness and flux, so the model's output depended on the
 * codec (scripts/bandwidth-sensitivity.ts on the emoMusic clips: a song's valence moved by up
 * to 0.43 when its audio was cut at 8.1 kHz).
 *
 * The set is defined on a fixed time–frequency grid rather than a sample rate: 22.05 kHz
 * audio uses n_fft 2048 / hop 1024, and 44.1 kHz audio n_fft 4096 / hop 2048 with the same
 * filter shapes, which skips resampling (it costs as much as the features themselves for a
 * 44.1 kHz MP3). Other rates are resampled to 22.05 kHz.
 */
import { chromaFilterbank } from '../dsp/chroma.ts';
import { ShsPitch, voiceQuality, voiceQualityScratch } from '../dsp/compare-lld.ts';
import { dctBasis } from '../dsp/mfcc.ts';
import { StreamingFramer } from '../dsp/framer.ts';
import { applyBank, applyCompressedBank, compressedBank, melFilterbank, sparseBank } from '../dsp/mel.ts';
import { powerSpectrum } from '../dsp/pffft.ts';
import type { Matrix } from '../dsp/matrix.ts';
import { getWindow } from '../dsp/window.ts';
import type { FeatureExtractor, FeatureMatrix, FeatureSet, FrameStream } from './types.ts';

const MEL_BANDS = 64;
const MFCC = 20;
const CHROMA = 12;
/** Chroma filter weights below this share of the largest are dropped (see createExtractor). */
const CHROMA_WEIGHT_FLOOR = 0.01;
const BASE_RATE = 22050;
const BASE_FFT = 2048;
const BASE_HOP = 1024;
/** Frames per second of `sentio-frames` at either analysis rate (hop 1024 at 22.05 kHz, 2048 at 44.1 kHz). */
export const FRAME_RATE_HZ = BASE_RATE / BASE_HOP;
const SPECTRAL = ['centroid_khz', 'rolloff_khz', 'flatness', 'flux', 'rms_db'] as const;

export const sentioFrameColumns: readonly string[] = [
  ...Array.from({ length: MEL_BANDS }, (_, i) => `mel_${i}`),
  ...Array.from({ length: MFCC }, (_, i) => `mfcc_${i}`),
  ...SPECTRAL,
  ...['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'].map((p) => `chroma_${p}`),
];

/**
 * `sentio-voice` adds six voice-quality columns per frame (the ComParE voice group, read off the
 * same frames): subharmonic-summation F0 and voicing on the frame's magnitude spectrum, then
 * period-synchronous jitter, shimmer and HNR on the frame's waveform when it is voiced.
 * Unvoiced frames have F0, jitter and shimmer 0 and log HNR at {@link VOICE_HNR_FLOOR_DB}.
 */
export const sentioVoiceColumns: readonly string[] = [
  ...sentioFrameColumns,
  'voice_f0_hz', 'voicing', 'jitter_local', 'jitter_ddp', 'shimmer_local', 'log_hnr_db',
];
const VOICE_COLUMNS = 6;
/**
 * Voice analysis runs on every 8th frame (every 372 ms) and its values are held in between:
 * an 8 s window still gets 21 analyses, and the voice columns cost about a tenth of the
 * frame's time instead of more than all the rest together (every frame) or a fifth (every
 * 4th; measured on a 3-minute MP3). On the 4Q clips, every 4th and every 8th frame gave the
 * same SVM macro-F1 within 0.005.
 */
export const VOICE_EVERY_FRAMES = 8;
/** openSMILE's voicing threshold for reporting an F0 (`voicingCutoff`). */
const VOICING_CUTOFF = 0.7;
/** Frames quieter than this RMS (linear, full scale 1) are unvoiced, as openSMILE's energy gate. */
const VOICE_MIN_RMS = 0.001;
/**
 * log HNR of unvoiced frames, dB. openSMILE's floor is −100 dB; a floor that far from voiced
 * values (0–30 dB) would make a window's HNR statistics count unvoiced frames, not describe
 * the voice, so unvoiced frames sit just below the noisiest voiced ones instead.
 */
export const VOICE_HNR_FLOOR_DB = -10;

/** Taps either side of the centre of {@link halfbandDecimate}'s filter. */
const HALFBAND_REACH = 3;
/**
 * `count` samples of `x` from `start`, low-passed by the 7-tap half-band filter
 * [−1 0 9 16 9 0 −1]/32 and decimated by 2, into `out`; reads `HALFBAND_REACH` samples either
 * side (zeros beyond `x`).
 */
export function halfbandDecimate(x: ArrayLike<number>, start: number, count: number, out: Float64Array): void {
  for (let i = 0; i < count; i++) {
    const c = start + 2 * i;
    if (c - HALFBAND_REACH >= 0 && c + HALFBAND_REACH < x.length) {
      out[i] = (16 * x[c] + 9 * (x[c - 1] + x[c + 1]) - (x[c - 3] + x[c + 3])) / 32;
    } else {
      const at = (j: number) => (j >= 0 && j < x.length ? x[j] : 0);
      out[i] = (16 * at(c) + 9 * (at(c - 1) + at(c + 1)) - (at(c - 3) + at(c + 3))) / 32;
    }
  }
}

/**
 * Top of the analysis band, Hz: 81 of 90 sampled 4Q training clips keep content up to it
 * (4 are cut at 7.6–8 kHz, 5 below 7 kHz; see the module comment), so files from almost any
 * codec are analysed over the same band.
 */
export const ANALYSIS_FMAX_HZ = 8000;

/** Rates analysed without resampling (the grid scales exactly by 2). */
const NATIVE_SCALE: Readonly<Record<number, number>> = { 22050: 1, 44100: 2 };

/**
 * The frame computation shared by the offline extractor and the live frame stream: each frame
 * is written into one reused row and handed to `onFrame` as soon as its samples are in.
 */
function createFrameProcessor(sampleRate: number, voice: boolean, onFrame: (row: Float32Array, t: number) => void): FrameStream & { readonly dims: number; readonly hop: number } {
  const scale = NATIVE_SCALE[sampleRate];
  if (!scale) throw new RangeError(`sentio-frames: unsupported analysis rate ${sampleRate} Hz (use 22050 or 44100)`);
  const nFft = BASE_FFT * scale;
  const hop = BASE_HOP * scale;
  const bins = nFft / 2 + 1;
  // Only bins up to ANALYSIS_FMAX_HZ take part, so every rate and codec sees the same band.
  const usedBins = Math.floor((ANALYSIS_FMAX_HZ * nFft) / sampleRate) + 1;
  const window = getWindow('hann', nFft);
  const spectrum = powerSpectrum(nFft);
  const mel = sparseBank(melFilterbank({ sampleRate, nFft, nMels: MEL_BANDS, fmax: ANALYSIS_FMAX_HZ }));
  // librosa's chroma filters are Gaussians that never reach zero; their tails (weights below
  // 1 % of the largest) add little but leakage from neighbouring pitch classes, yet were half
  // of the chroma's work, and the chroma was the largest part of the frame's time: drop them.
  // Chroma also stops at ANALYSIS_FMAX_HZ (librosa's filters span the whole spectrum): 44.1 kHz
  // audio then gets the same chroma as at 22.05 kHz, for half the work.
  const chromaFb = chromaFilterbank({ sampleRate, nFft });
  let chromaMax = 0;
  for (const v of chromaFb.data) chromaMax = Math.max(chromaMax, Math.abs(v));
  for (let i = 0; i < chromaFb.data.length; i++) {
    if (Math.abs(chromaFb.data[i]) < CHROMA_WEIGHT_FLOOR * chromaMax || i % chromaFb.cols >= usedBins) chromaFb.data[i] = 0;
  }
  const chroma = compressedBank(chromaFb);
  const dct = dctBasis(MEL_BANDS, MFCC);
  const binHz = sampleRate / nFft;
  const dims = voice ? sentioVoiceColumns.length : sentioFrameColumns.length;
  // Jitter, shimmer and HNR are measured on the frame's central hop (46.4 ms, so consecutive
  // frames tile the signal once) decimated to 11.025 kHz: F0 is at most 620 Hz, and the period
  // search costs the square of the sample rate (it was 3× the rest of the frame at 22.05 kHz).
  const shs = voice ? new ShsPitch(usedBins, binHz) : null;
  const voiceLength = BASE_HOP / 2;
  const voiceFrame = new Float64Array(voiceLength);
  const halfRate = new Float64Array(BASE_HOP + 2 * HALFBAND_REACH);
  const voiceStart = new Int32Array(1);
  const voiceF0 = new Float64Array(1);
  const voiceScratch = voice ? voiceQualityScratch(voiceLength) : undefined;
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
  const out = new Float32Array(dims);
  let hasPrevious = false;

  /** The voice columns of the last analysed frame, held until the next one. */
  const voiceValues = new Float64Array(VOICE_COLUMNS);
  const analyseVoice = (frame: Float32Array, rms: number): void => {
    const estimate = rms >= VOICE_MIN_RMS ? shs!.estimate(magnitude) : { f0: 0, voicing: 0 };
    const f0 = estimate.voicing >= VOICING_CUTOFF ? estimate.f0 : 0;
    voiceValues[0] = f0;
    voiceValues[1] = estimate.voicing;
    voiceValues.fill(0, 2, 5);
    voiceValues[5] = VOICE_HNR_FLOOR_DB;
    if (!(f0 > 0)) return;
    if (scale === 1) halfbandDecimate(frame, (nFft - BASE_HOP) / 2, voiceLength, voiceFrame);
    else {
      // 44.1 kHz: to 22.05 kHz (with the margin the second stage reads), then to 11.025 kHz.
      halfbandDecimate(frame, (nFft - hop) / 2 - 2 * HALFBAND_REACH, BASE_HOP + 2 * HALFBAND_REACH, halfRate);
      halfbandDecimate(halfRate, HALFBAND_REACH, voiceLength, voiceFrame);
    }
    voiceF0[0] = f0;
    const q = voiceQuality(voiceFrame, BASE_RATE / 2, voiceF0, voiceStart, voiceLength, voiceScratch);
    voiceValues[2] = q.jitterLocal[0];
    voiceValues[3] = q.jitterDDP[0];
    voiceValues[4] = q.shimmerLocal[0];
    voiceValues[5] = Math.max(VOICE_HNR_FLOOR_DB, q.logHNR[0]);
  };

  const framer = new StreamingFramer(nFft, hop, true, (frame, t) => {
    // The Hann window is applied in the frequency domain (see hannPower): a copy here instead
    // of nFft multiplications.
    spectrum.input().set(frame);
    spectrum.hannPower(power, powerScale, usedBins);
    let total = 0;
    let magSum = 0;
    for (let k = 0; k < usedBins; k++) {
      const p = power[k];
      total += p;
      const m = Math.sqrt(p);
      magnitude[k] = m;
      magSum += m;
    }
    const row = 0;
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
    if (shs) {
      if (t % VOICE_EVERY_FRAMES === 0) analyseVoice(frame, rms);
      out.set(voiceValues, s + SPECTRAL.length + CHROMA);
    }
    onFrame(out, t);
  });

  return {
    dims,
    hop,
    push: (samples) => framer.push(samples),
    finish: () => {
      framer.finish();
    },
  };
}

function createExtractor(sampleRate: number, voice = false): FeatureExtractor {
  let out = new Float32Array((voice ? sentioVoiceColumns : sentioFrameColumns).length * 512);
  let rows = 0;
  const processor = createFrameProcessor(sampleRate, voice, (row, t) => {
    if ((t + 1) * row.length > out.length) {
      const grown = new Float32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out.set(row, t * row.length);
    rows = t + 1;
  });
  const { dims, hop } = processor;
  return {
    push: (samples) => processor.push(samples),
    finish(): FeatureMatrix {
      processor.finish();
      const times = new Float64Array(rows);
      for (let t = 0; t < rows; t++) times[t] = (t * hop) / sampleRate;
      return {
        set: voice ? 'sentio-voice' : 'sentio-frames',
        sampleRate,
        hopSeconds: hop / sampleRate,
        columns: voice ? sentioVoiceColumns : sentioFrameColumns,
        frames: { rows, cols: dims, data: out.slice(0, rows * dims) },
        times,
      };
    },
  };
}

export const sentioFrames: FeatureSet = {
  name: 'sentio-frames',
  // 2: the analysis band stops at 8 kHz instead of 11.025 kHz.
  revision: 2,
  description: 'fast default-model descriptors from one STFT pass: 64 log-mel, 20 MFCC, centroid, roll-off, flatness, flux, RMS, 12 chroma (46.4 ms hop)',
  sampleRate: BASE_RATE,
  hopSeconds: BASE_HOP / BASE_RATE,
  columns: sentioFrameColumns,
  minSamples: 1,
  nativeRates: [22050, 44100],
  createExtractor: () => createExtractor(BASE_RATE),
  createExtractorAt: (rate: number) => createExtractor(rate),
  createFrameStreamAt: (rate, onFrame) => createFrameProcessor(rate, false, onFrame),
};

export const sentioVoice: FeatureSet = {
  ...sentioFrames,
  name: 'sentio-voice',
  description: 'sentio-frames plus six voice-quality columns from the same frames: F0, voicing, jitter (local, DDP), shimmer, log HNR',
  columns: sentioVoiceColumns,
  createExtractor: () => createExtractor(BASE_RATE, true),
  createExtractorAt: (rate: number) => createExtractor(rate, true),
  createFrameStreamAt: (rate, onFrame) => createFrameProcessor(rate, true, onFrame),
};

/** The feature sets whose frames {@link shiftLevel} reads. */
export const LEVEL_SHIFT_SETS: readonly string[] = [sentioFrames.name, sentioVoice.name];

/** The dB floor of the log-mel bands (power 1e-10) and of the RMS level (amplitude 1e-5). */
const LEVEL_FLOOR_DB = -100;

/**
 * `sentio-frames` / `sentio-voice` frames of the same audio played `gainDb` louder (negative:
 * quieter), computed from the frames instead of the audio: a gain moves every mel band and
 * the RMS level by `gainDb` and MFCC 0 (the ortho DCT's mean term) by √melBands·`gainDb`, and
 * leaves every other column as it is (spectral shape, normalised flux and chroma; voice F0,
 * jitter, shimmer and HNR are ratios). Exact wherever neither the −100 dB floor nor clipping
 * is reached (checked against extraction from scaled audio in the tests); values are held at
 * the floor. This is what makes level augmentation cost no extraction.
 */
export function shiftLevel(frames: Matrix<Float32Array>, gainDb: number): Matrix<Float32Array> {
  if (frames.cols !== sentioFrameColumns.length && frames.cols !== sentioVoiceColumns.length) {
    throw new RangeError(`shiftLevel needs sentio-frames or sentio-voice frames (${sentioFrameColumns.length} or ${sentioVoiceColumns.length} columns), got ${frames.cols}`);
  }
  const rms = sentioFrameColumns.indexOf('rms_db');
  const mfcc0 = sentioFrameColumns.indexOf('mfcc_0');
  const mfccShift = Math.sqrt(MEL_BANDS) * gainDb;
  const data = frames.data.slice();
  for (let o = 0; o < data.length; o += frames.cols) {
    for (let b = 0; b < MEL_BANDS; b++) data[o + b] = Math.max(LEVEL_FLOOR_DB, data[o + b] + gainDb);
    data[o + rms] = Math.max(LEVEL_FLOOR_DB, data[o + rms] + gainDb);
    data[o + mfcc0] += mfccShift;
  }
  return { rows: frames.rows, cols: frames.cols, data };
}
