/** Parsing of option values shared by several commands (kept light: the command line loads it at start). */
import path from 'node:path';
import { UsageError } from './report.ts';

/** The report format a file name asks for, or a usage error naming the file. */
export function reportFormat(file: string): 'md' | 'csv' | 'json' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'md';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw new UsageError(`${file}: unknown report format '${ext || '(no extension)'}' (use .md, .csv or .json)`);
}

/** Parses a positive integer option, or throws a usage error naming it. */
export function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

