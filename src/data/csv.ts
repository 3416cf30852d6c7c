/** CSV reading for dataset files (csv-parse), tolerant of the stray tabs and spaces in the published files. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Rows as objects keyed by the trimmed header; every cell is trimmed of spaces and tabs. */
export function readCsv(path: string, delimiter = ','): Record<string, string>[] {
  const text = readFileSync(path, 'utf8');
  const rows = parse(text, { columns: (h: string[]) => h.map((c) => c.trim()), delimiter, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as Record<string, string>[];
  for (const r of rows) for (const k of Object.keys(r)) r[k] = r[k].replace(/^[\s\t]+|[\s\t]+$/g, '');
  return rows;
}

/** A finite number from a cell, or an error naming the file, row and column. */
export function numberCell(row: Record<string, string>, column: string, file: string, line: number): number {
  const v = Number(row[column]);
  if (row[column] === undefined || row[column] === '' || !Number.isFinite(v)) throw new Error(`${file}: row ${line}: column '${column}' is not a number (${JSON.stringify(row[column])})`);
  return v;
}
