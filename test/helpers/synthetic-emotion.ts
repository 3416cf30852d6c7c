/**
 * A synthetic music-emotion task with known answers (test-only helper): short clips of
 * repeated triads whose *arousal* is set by loudness and note rate (tempo) and whose
 * *valence* is set by mode — each 0.5 s segment holds one major or one minor chord.
 *
 * - Arousal is one value per clip, a ∈ [-1, 1]: the level rises from −32 to −8 dBFS and the
 *   note rate from 2 to 8 notes/s as `a` goes from −1 to 1 (both cues agree, as in music).
 * - Valence is one value per 0.5 s segment: +0.8 for a major triad, −0.8 for a minor one
 *   (±0.8, not ±1, so a tanh output can reach it). The clip's valence is their mean, so it
 *   takes the values −0.8 … 0.8 in steps of 1.6 / segments.
 * - Nuisance, so that no single number gives the answer: every segment's root is a random
 *   semitone from G4 to C5 (plus up to ±20 cents of detuning), every clip has its own
 *   timbre (3–8 harmonics with a random spectral slope), a ±3 dB level jitter, a random
 *   onset phase and a little noise. Mode is then only visible in the *interval* pattern
 *   (4 + 3 semitones against 3 + 4), wherever on the pitch axis the chord sits.
 * - Why that register and range: mel bands are about 80 Hz wide below 1 kHz in
 *   `malik-logmel` (40 bands), far wider than the 15–25 Hz between a minor and a major third
 *   there; from G4 up, the upper harmonics fall where the bands are log-spaced and a semitone
 *   moves energy between neighbouring bands. Roots over a whole octave made `sentio-crnn`
 *   (whose first convolution is dense across bands, so it learns each transposition
 *   separately) need more clips and epochs than a unit test can afford; half an octave keeps
 *   six transpositions to learn.
 *
 * Segments start at multiples of 0.5 s, so each `malik-logmel` frame (non-overlapping
 * 0.5 s segments) sees exactly one chord, and per-segment targets line up with its frames.
 * Onsets follow their own grid (the tempo), independent of the chord changes.
 *
 * Synthesis is cheap: one wavetable lookup per chord tone per sample (the clip's timbre is
 * baked into its table): 1.9 ms per second of audio measured on this machine. Everything is seeded.
 */
import { seededRandom } from '../../src/data/splits.ts';

export const SYNTH_RATE = 22050;
/** Length of one chord, and of one target step. */
export const SEGMENT_SECONDS = 0.5;
/** Valence of a major (+) or minor (−) segment. */
export const MODE_VALENCE = 0.8;

export interface SyntheticClip {
  samples: Float32Array;
  sampleRate: number;
  /** Valence of each 0.5 s segment (±{@link MODE_VALENCE}). */
  segmentValence: Float32Array;
  /** Whether each segment's chord is major. */
  major: boolean[];
  /** Mean of `segmentValence`: the clip's valence. */
  valence: number;
  /** The clip's arousal (every segment has it). */
  arousal: number;
}

export interface SynthesisOptions {
  /** Clip length in 0.5 s segments (default 6 = 3 s). */
  segments?: number;
  sampleRate?: number;
}

const TABLE_SIZE = 2048;

/** One period of the clip's timbre: `harmonics` partials with amplitude k^−slope, peak-normalised. */
function timbreTable(harmonics: number, slope: number, phases: number[]): Float32Array {
  const table = new Float32Array(TABLE_SIZE + 1); // +1: guard sample for interpolation
  let peak = 0;
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let v = 0;
    for (let k = 1; k <= harmonics; k++) v += k ** -slope * Math.sin((2 * Math.PI * k * i) / TABLE_SIZE + phases[k - 1]);
    table[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  for (let i = 0; i <= TABLE_SIZE; i++) table[i] /= peak;
  return table;
}

/** Level in dBFS and note rate in notes/s for arousal `a` ∈ [-1, 1]. */
export function arousalCues(a: number): { levelDb: number; notesPerSecond: number } {
  const u = (a + 1) / 2;
  return { levelDb: -32 + 24 * u, notesPerSecond: 2 * 4 ** u };
}

/**
 * Percussive envelope on the tempo grid: each onset rises in 5 ms and decays with a time
 * constant of 40 % of the inter-onset interval, so every note rings for the same share of
 * its beat and the tempo, not the sustain, is what differs between clips.
 */
function envelope(n: number, sampleRate: number, notesPerSecond: number, phase: number): Float32Array {
  const env = new Float32Array(n);
  const ioi = sampleRate / notesPerSecond;
  const attack = 0.005 * sampleRate;
  const tau = 0.4 * ioi;
  for (let i = 0; i < n; i++) {
    // Time since the last onset; onsets at (k + phase)·ioi. Before the first, the previous note's tail.
    const since = (((i / ioi - phase) % 1) + 1) % 1 * ioi;
    env[i] = Math.min(1, since / attack) * Math.exp(-since / tau);
  }
  return env;
}

/**
 * One clip with the given arousal and per-segment modes. `rand` draws the nuisance
 * (roots, timbre, level jitter, onset phase, noise), so the same generator state gives the
 * same clip.
 */
export function synthesizeClip(arousal: number, major: readonly boolean[], rand: () => number, sampleRate = SYNTH_RATE): SyntheticClip {
  const segLen = Math.round(SEGMENT_SECONDS * sampleRate);
  const n = major.length * segLen;
  const harmonics = 3 + Math.floor(rand() * 6);
  const table = timbreTable(harmonics, 0.7 + rand() * 1.3, Array.from({ length: harmonics }, () => rand() * 2 * Math.PI));
  const { levelDb, notesPerSecond } = arousalCues(arousal);
  const gain = 10 ** ((levelDb + (rand() * 6 - 3)) / 20) / 3; // /3: three chord tones at full scale
  const env = envelope(n, sampleRate, notesPerSecond, rand());
  const y = new Float32Array(n);
  for (let s = 0; s < major.length; s++) {
    // Root: a random semitone from G4 to C5 (392–523 Hz, MIDI 67–72), detuned by up to ±20 cents.
    const root = 67 + Math.floor(rand() * 6) + (rand() - 0.5) * 0.4;
    const tones = [0, major[s] ? 4 : 3, 7].map((st) => 440 * 2 ** ((root + st - 69) / 12));
    const phase = tones.map(() => rand() * TABLE_SIZE);
    const step = tones.map((f) => (f * TABLE_SIZE) / sampleRate);
    for (let i = s * segLen; i < (s + 1) * segLen; i++) {
      let v = 0;
      for (let t = 0; t < 3; t++) {
        const p = phase[t];
        const k = p | 0;
        v += table[k] + (p - k) * (table[k + 1] - table[k]);
        phase[t] = (p + step[t]) % TABLE_SIZE;
      }
      y[i] = gain * env[i] * v + 1e-3 * (rand() - 0.5); // white noise at about −70 dBFS RMS
    }
  }
  const segmentValence = Float32Array.from(major, (m) => (m ? MODE_VALENCE : -MODE_VALENCE));
  const valence = segmentValence.reduce((a, b) => a + b, 0) / segmentValence.length;
  return { samples: y, sampleRate, segmentValence, major: [...major], valence, arousal };
}

/**
 * `count` clips with arousal uniform in [-1, 1] and the number of major segments uniform
 * in 0..segments (so clip valence covers its whole range evenly), in shuffled segment order.
 */
export function syntheticEmotionClips(count: number, seed: number, options: SynthesisOptions = {}): SyntheticClip[] {
  const segments = options.segments ?? 6;
  const rand = seededRandom(seed);
  const clips: SyntheticClip[] = [];
  for (let c = 0; c < count; c++) {
    const arousal = rand() * 2 - 1;
    const majors = Math.floor(rand() * (segments + 1));
    const major = Array.from({ length: segments }, (_, i) => i < majors);
    for (let i = segments - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [major[i], major[j]] = [major[j], major[i]];
    }
    clips.push(synthesizeClip(arousal, major, rand, options.sampleRate));
  }
  return clips;
}
