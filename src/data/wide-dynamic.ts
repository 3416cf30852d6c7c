/**
 * The wide per-0.5 s annotation layout shared by the 1000 Songs / emoMusic database and
 * DEAM: `song_id, sample_15000ms, sample_15500ms, …`, values in [-1, 1]. DEAM's full
 * songs make rows ragged: a row ends at its first empty cell.
 */
import { readCsv } from './csv.ts';

export interface DynamicSeries {
  times: number[];
  values: number[];
}

/** Parses one wide CSV into id → series (times in seconds from the start of the audio). */
export function readWideDynamic(file: string): Map<string, DynamicSeries> {
  const rows = readCsv(file);
  const out = new Map<string, DynamicSeries>();
  if (rows.length === 0) return out;
  const columns = Object.keys(rows[0]).filter((c) => /^sample_\d+ms$/.test(c));
  if (columns.length === 0) throw new Error(`${file}: no sample_<ms>ms columns (expected the DEAM / emoMusic wide layout)`);
  const times = columns.map((c) => Number(/^sample_(\d+)ms$/.exec(c)![1]) / 1000);
  rows.forEach((r, line) => {
    const id = r.song_id ?? r.musicId;
    if (!id) throw new Error(`${file}: row ${line + 2} has no song_id`);
    const series: DynamicSeries = { times: [], values: [] };
    for (let j = 0; j < columns.length; j++) {
      const cell = r[columns[j]];
      if (cell === undefined || cell === '') break;
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${file}: row ${line + 2}: ${columns[j]} is not a number (${JSON.stringify(cell)})`);
      series.times.push(times[j]);
      series.values.push(v);
    }
    out.set(id, series);
  });
  return out;
}
