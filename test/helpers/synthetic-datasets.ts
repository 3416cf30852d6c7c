/**
 * Tiny DEAM and 1000 Songs databases written in their published layouts (file names,
 * folders, headers, CRLF and stray tabs where the real files have them), for end-to-end
 * tests of `sentio reproduce` on a machine without the real data.
 *
 * Every song follows a hidden valence/arousal trajectory on the 0.5 s grid; the labels are
 * that trajectory from 15 s on, and the features and audio are generated from it, so the
 * relation is learnable:
 * - DEAM `features/<id>.csv`: `pcm_RMSenergy_sma_amean` and `pcm_zcr_sma_amean` rise with
 *   arousal, `pcm_fftMag_spectralCentroid_sma_amean` with valence; the other 257 columns
 *   are noise around a per-column level.
 * - Audio: a phase-continuous tone whose pitch rises with valence (220–1245 Hz), mixed with
 *   white noise whose share rises with arousal. Both survive pyAudioAnalysis' global
 *   normalisation and log-mel's global dB floor, which erase plain loudness.
 *
 * Audio is written as 16-bit WAV at 22.05 kHz under the published `.mp3` names (Sentio's
 * decoder goes by content, not extension; no MP3 encoder is needed). Real DEAM audio is
 * 44.1 kHz MP3, the 1000 Songs clips too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../src/data/splits.ts';
import { emobase260Columns } from '../../src/features/emobase260.ts';
import { encodeWav } from './wav.ts';

const SEGMENT_SECONDS = 0.5;
const FIRST_LABEL_SECONDS = 15;
const SAMPLE_RATE = 22050;
const GENRES = ['Blues', 'Classical', 'Country', 'Electronic', 'Folk', 'Jazz', 'Pop', 'Rock'];

/** Valence and arousal of every 0.5 s segment of a song, in [-0.95, 0.95]. */
interface Trajectory {
  valence: number[];
  arousal: number[];
}

/** A song's hidden trajectory: a song-level mood plus slow swings, different per dimension. */
function trajectory(seconds: number, seed: number): Trajectory {
  const r = seededRandom(seed);
  const n = Math.floor(seconds / SEGMENT_SECONDS);
  const clip = (x: number) => Math.max(-0.95, Math.min(0.95, x));
  const dim = () => {
    const base = (r() * 2 - 1) * 0.6;
    const swing = 0.1 + r() * 0.25;
    const periodSegments = 20 + r() * 60;
    const phase = r() * 2 * Math.PI;
    // The ±0.05 jitter makes neighbouring segments distinguishable, so a feature row paired
    // with the wrong label (an alignment bug) shows up as a clearly worse fit.
    return Array.from({ length: n }, (_, k) => clip(base + swing * Math.sin((2 * Math.PI * k) / periodSegments + phase) + (r() - 0.5) * 0.1));
  };
  return { valence: dim(), arousal: dim() };
}

/** Mono samples for the trajectory: tone pitch ← valence, noise share ← arousal. */
function synthesize(t: Trajectory, seed: number): Float32Array {
  const r = seededRandom(seed ^ 0xa0d10);
  const hop = Math.round(SEGMENT_SECONDS * SAMPLE_RATE);
  const y = new Float32Array(t.valence.length * hop);
  let phase = 0;
  for (let k = 0; k < t.valence.length; k++) {
    const freqHz = 220 * 2 ** ((t.valence[k] + 1) * 1.25);
    const noiseShare = (t.arousal[k] + 1) / 2;
    for (let i = 0; i < hop; i++) {
      phase += (2 * Math.PI * freqHz) / SAMPLE_RATE;
      y[k * hop + i] = 0.5 * (1 - 0.8 * noiseShare) * Math.sin(phase) + 0.4 * noiseShare * (r() * 2 - 1);
    }
  }
  return y;
}

/** Labels from 15 s on: `count` values of the trajectory. */
function labelsOf(t: Trajectory, count: number): Trajectory {
  const first = FIRST_LABEL_SECONDS / SEGMENT_SECONDS;
  return { valence: t.valence.slice(first, first + count), arousal: t.arousal.slice(first, first + count) };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const to1to9 = (x: number) => (5 + 4 * x).toFixed(2);
const fmt = (x: number) => x.toFixed(6);

/** `sample_15000ms, …` headers for `count` values. */
function sampleColumns(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `sample_${FIRST_LABEL_SECONDS * 1000 + i * SEGMENT_SECONDS * 1000}ms`);
}

/** A wide per-0.5 s file; rows shorter than the header are padded with empty cells (DEAM's ragged rows). */
function wideCsv(rows: { id: number; values: number[] }[], eol: string): string {
  const width = Math.max(...rows.map((r) => r.values.length));
  const lines = [['song_id', ...sampleColumns(width)].join(',')];
  for (const r of rows) lines.push([String(r.id), ...r.values.map(fmt), ...new Array<string>(width - r.values.length).fill('')].join(','));
  return lines.join(eol) + eol;
}

function write(file: string, text: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

// ---------------------------------------------------------------------------------------
// DEAM
// ---------------------------------------------------------------------------------------

export interface SyntheticDeamOptions {
  /** 45 s development clips: ids ≤ 1000 are 2013 clips (61 labels), 1001–2000 are 2014 (60). */
  developmentIds?: number[];
  /** Full evaluation songs, ids 2001–2058. */
  evaluationIds?: number[];
  /** Length of each full song, seconds. Default 50. */
  fullSongSeconds?: number;
  /** Write `MEMD_audio/<id>.mp3` (needed for the log-mel features). Default true. */
  audio?: boolean;
  /**
   * Seconds of audio written per song (default: all of it). Shorter audio keeps a test
   * quick; labels past its end then have no log-mel rows and are not scored.
   */
  audioSeconds?: number;
  seed?: number;
}

/**
 * Writes a DEAM root under `root`: `DEAM_Annotations/annotations/annotations averaged per
 * song/{dynamic (per second annotations),song_level}/…`, `features/<id>.csv`,
 * `MEMD_audio/<id>.mp3`, `metadata/metadata_{2013,2014,2015}.csv`. Returns `root`.
 */
export function writeSyntheticDeam(root: string, options: SyntheticDeamOptions = {}): string {
  const devIds = options.developmentIds ?? [2, 3, 5, 1001, 1002, 1003];
  const evalIds = options.evaluationIds ?? [2001, 2002];
  const seed = options.seed ?? 1;
  const songs = [...devIds.map((id) => ({ id, seconds: 45 })), ...evalIds.map((id) => ({ id, seconds: options.fullSongSeconds ?? 50 }))];
  const annotations = path.join(root, 'DEAM_Annotations/annotations/annotations averaged per song');
  const columns = emobase260Columns();
  const rmsCol = columns.indexOf('pcm_RMSenergy_sma_amean');
  const zcrCol = columns.indexOf('pcm_zcr_sma_amean');
  const centroidCol = columns.indexOf('pcm_fftMag_spectralCentroid_sma_amean');
  const arousalRows: { id: number; values: number[] }[] = [];
  const valenceRows: { id: number; values: number[] }[] = [];
  const statics: string[] = [];
  const fullStatics: string[] = [];
  for (const song of songs) {
    const t = trajectory(song.seconds, seed * 10007 + song.id);
    // 2013 clips carry a 61st label at 45.0 s; 2014 clips 60; full songs one per segment after 15 s.
    const count = song.id <= 1000 ? 61 : song.id <= 2000 ? 60 : t.valence.length - FIRST_LABEL_SECONDS / SEGMENT_SECONDS;
    const labels = labelsOf(t, count);
    // The 61st 2013 value lies past the end of the clip: repeat the last one, as annotators held still.
    while (labels.valence.length < count) {
      labels.valence.push(labels.valence[labels.valence.length - 1]);
      labels.arousal.push(labels.arousal[labels.arousal.length - 1]);
    }
    arousalRows.push({ id: song.id, values: labels.arousal });
    valenceRows.push({ id: song.id, values: labels.valence });
    const v = to1to9(mean(labels.valence));
    const a = to1to9(mean(labels.arousal));
    // The published 2013 rows have valence and arousal exchanged (see readDeamStatic).
    if (song.id <= 1000) statics.push(`${song.id},${a},1.1,${v},1.2`);
    else if (song.id <= 2000) statics.push(`${song.id},${v},1.1,${a},1.2`);
    else fullStatics.push(`${song.id},${v},1.1,6.0,1.0,3.0,1.0,${a},1.2,7.0,1.0,3.5,1.0`);
    write(path.join(root, 'features', `${song.id}.csv`), deamFeatureCsv(t, columns, { rmsCol, zcrCol, centroidCol }, seed * 31 + song.id));
    if (options.audio ?? true) {
      const segments = Math.floor(Math.min(song.seconds, options.audioSeconds ?? Infinity) / SEGMENT_SECONDS);
      const heard: Trajectory = { valence: t.valence.slice(0, segments), arousal: t.arousal.slice(0, segments) };
      write(path.join(root, 'MEMD_audio', `${song.id}.mp3`), encodeWav([synthesize(heard, song.id)], SAMPLE_RATE, 'pcm16'));
    }
  }
  write(path.join(annotations, 'dynamic (per second annotations)/arousal.csv'), wideCsv(arousalRows, '\n'));
  write(path.join(annotations, 'dynamic (per second annotations)/valence.csv'), wideCsv(valenceRows, '\n'));
  write(path.join(annotations, 'song_level/static_annotations_averaged_songs_1_2000.csv'), ['song_id, valence_mean, valence_std, arousal_mean, arousal_std', ...statics].join('\r\n') + '\r\n');
  write(
    path.join(annotations, 'song_level/static_annotations_averaged_songs_2000_2058.csv'),
    ['song_id, valence_mean, valence_std, valence_ max_mean, valence_max_std, valence_min_mean, valence_min_std, arousal_mean, arousal_std, arousal_max_mean, arousal_max_std, arousal_min_mean, arousal_min_std', ...fullStatics].join('\r\n') + '\r\n',
  );
  const meta2013 = devIds.filter((id) => id <= 1000).map((id, i) => `${id},"\t${id}.mp3","Synthetic Artist ${id}\t","\tSong ${id}\t","\t0.30\t","\t1.15\t","\t${GENRES[i % GENRES.length]}\t"`);
  write(path.join(root, 'metadata/metadata_2013.csv'), ['"song_id","file_name","Artist","Song title","start of the segment (min.sec)","end of the segment (min.sec)","Genre"', ...meta2013].join('\n') + '\n');
  const meta2014 = devIds.filter((id) => id > 1000).map((id, i) => `${id},Synthetic Band ${id},Album ${i},Track ${id},${GENRES[i % GENRES.length]}`);
  write(path.join(root, 'metadata/metadata_2014.csv'), ['Id,Artist,Album,Track,Genre', ...meta2014].join('\n') + '\n');
  const meta2015 = evalIds.map((id, i) => `${id},${id}.mp3,Long Song ${id},Synthetic Orchestra ${id},Full Songs,${GENRES[i % GENRES.length]}`);
  write(path.join(root, 'metadata/metadata_2015.csv'), ['id,file_name,title,artist,album,genre', ...meta2015].join('\n') + '\n');
  return root;
}

/** `features/<id>.csv`: `frameTime;` + 260 emobase columns, one row per 0.5 s segment from 0. */
function deamFeatureCsv(t: Trajectory, columns: readonly string[], cols: { rmsCol: number; zcrCol: number; centroidCol: number }, seed: number): string {
  const r = seededRandom(seed);
  const level = columns.map((_, j) => ((j * 7919) % 97) / 10);
  const lines = [['frameTime', ...columns].join(';')];
  for (let k = 0; k < t.valence.length; k++) {
    const row = columns.map((_, j) => level[j] + (r() - 0.5));
    row[cols.rmsCol] = 0.05 + 0.04 * (t.arousal[k] + 1) + (r() - 0.5) * 0.004;
    row[cols.zcrCol] = 0.1 + 0.08 * (t.arousal[k] + 1) + (r() - 0.5) * 0.008;
    row[cols.centroidCol] = 1500 + 800 * t.valence[k] + (r() - 0.5) * 40;
    lines.push([(k * SEGMENT_SECONDS).toFixed(1), ...row.map((x) => x.toPrecision(6))].join(';'));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// 1000 Songs (emoMusic)
// ---------------------------------------------------------------------------------------

export interface SyntheticEmoMusicOptions {
  /** Development songs (MediaEval 2013 set "development"). */
  developmentIds?: number[];
  /** Evaluation songs. */
  evaluationIds?: number[];
  /**
   * Length of the written clips, seconds. Default 45, as published; labels always cover
   * 15.0–45.0 s (61 values), so a shorter clip leaves the later labels without audio.
   */
  clipSeconds?: number;
  seed?: number;
}

/**
 * Writes a 1000 Songs root: `{arousal,valence}_cont_{average,std}.csv`,
 * `static_annotations.csv`, `songs_info.csv` (quoted cells with the stray tabs, and the
 * `Mediaeval 2013 set` column) and `clips/<id>.mp3`. Returns `root`.
 */
export function writeSyntheticEmoMusic(root: string, options: SyntheticEmoMusicOptions = {}): string {
  const devIds = options.developmentIds ?? [2, 4, 5, 6, 9, 11, 12, 13];
  const evalIds = options.evaluationIds ?? [3, 7, 10];
  const seed = options.seed ?? 2;
  const clipSeconds = options.clipSeconds ?? 45;
  const ids = [...devIds, ...evalIds].sort((a, b) => a - b);
  const rows = { arousal: [] as { id: number; values: number[] }[], valence: [] as { id: number; values: number[] }[] };
  const statics: string[] = [];
  const info: string[] = [];
  ids.forEach((id, i) => {
    // The trajectory runs to 45.5 s so that the label at 45.0 s exists, as in the published files.
    const t = trajectory(45.5, seed * 10007 + id);
    const labels = labelsOf(t, 61);
    rows.arousal.push({ id, values: labels.arousal });
    rows.valence.push({ id, values: labels.valence });
    statics.push(`${id},${to1to9(mean(labels.arousal))},0.9,${to1to9(mean(labels.valence))},0.8`);
    const set = evalIds.includes(id) ? 'evaluation' : 'development';
    info.push(`${id},"\t${id}.mp3","Synthetic Artist ${id}\t","\tSong  ${id}\t","\t0.36\t","\t1.21\t","\t${GENRES[i % GENRES.length]}\t","${set}"`);
    const samples = Math.floor(clipSeconds / SEGMENT_SECONDS);
    const clip: Trajectory = { valence: t.valence.slice(0, samples), arousal: t.arousal.slice(0, samples) };
    write(path.join(root, 'clips', `${id}.mp3`), encodeWav([synthesize(clip, id)], SAMPLE_RATE, 'pcm16'));
  });
  write(path.join(root, 'arousal_cont_average.csv'), wideCsv(rows.arousal, '\n'));
  write(path.join(root, 'valence_cont_average.csv'), wideCsv(rows.valence, '\n'));
  const stds = (list: { id: number; values: number[] }[]) => list.map((r) => ({ id: r.id, values: r.values.map(() => 0.3) }));
  write(path.join(root, 'arousal_cont_std.csv'), wideCsv(stds(rows.arousal), '\n'));
  write(path.join(root, 'valence_cont_std.csv'), wideCsv(stds(rows.valence), '\n'));
  write(path.join(root, 'static_annotations.csv'), ['song_id,mean_arousal,std_arousal,mean_valence,std_valence', ...statics].join('\n') + '\n');
  write(path.join(root, 'songs_info.csv'), ['"song_id","file_name","Artist","Song title","start of the segment (min.sec)","end of the segment (min.sec)","Genre","Mediaeval 2013 set"', ...info].join('\n') + '\n');
  return root;
}
