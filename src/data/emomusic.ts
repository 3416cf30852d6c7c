/**
 * "1000 Songs for Emotional Analysis of Music" (Soleymani et al. 2013), as published:
 * `arousal_cont_average.csv` / `valence_cont_average.csv` (wide, [-1, 1], 15–45 s of each
 * 45 s clip), `static_annotations.csv` (1–9), `songs_info.csv` (with its stray tabs and
 * the `Mediaeval 2013 set` development/evaluation column), audio in `clips/<id>.mp3`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { numberCell, readCsv } from './csv.ts';
import { readWideDynamic } from './wide-dynamic.ts';
import { from1to9, type Song } from './types.ts';

export interface EmoMusicOptions {
  /** Folder holding the clips. Default `<root>/clips`. */
  audioDir?: string;
  /** Keep only songs whose audio exists. Default false. */
  requireAudio?: boolean;
}

export function loadEmoMusic(root: string, options: EmoMusicOptions = {}): Song[] {
  const arousal = readWideDynamic(path.join(root, 'arousal_cont_average.csv'));
  const valence = readWideDynamic(path.join(root, 'valence_cont_average.csv'));
  const staticFile = path.join(root, 'static_annotations.csv');
  const statics = new Map<string, { valence: number; arousal: number }>();
  if (existsSync(staticFile)) {
    readCsv(staticFile).forEach((r, i) => statics.set(r.song_id, { valence: from1to9(numberCell(r, 'mean_valence', staticFile, i + 2)), arousal: from1to9(numberCell(r, 'mean_arousal', staticFile, i + 2)) }));
  }
  const infoFile = path.join(root, 'songs_info.csv');
  const info = new Map<string, Record<string, string>>();
  if (existsSync(infoFile)) for (const r of readCsv(infoFile)) info.set(r.song_id, r);
  const audioDir = options.audioDir ?? path.join(root, 'clips');
  const songs: Song[] = [];
  for (const [id, a] of arousal) {
    const v = valence.get(id);
    if (!v) continue;
    const n = Math.min(a.values.length, v.values.length);
    const meta = info.get(id);
    const audioPath = path.join(audioDir, meta?.file_name || `${id}.mp3`);
    const hasAudio = existsSync(audioPath);
    if (options.requireAudio && !hasAudio) continue;
    const set = meta?.['Mediaeval 2013 set'];
    songs.push({
      id,
      audioPath: hasAudio ? audioPath : undefined,
      artist: meta?.Artist,
      title: meta?.['Song title'],
      static: statics.get(id),
      dynamic: { times: a.times.slice(0, n), arousal: a.values.slice(0, n), valence: v.values.slice(0, n) },
      split: set === 'development' || set === 'evaluation' ? set : undefined,
    });
  }
  return songs;
}
