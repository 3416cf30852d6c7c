/**
 * ../shared beside the checkout (datasets, golden arrays, seed texts): CI has it, a fresh clone
 * does not. Tests that need a piece of it skip with one line naming the piece.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const SHARED = path.resolve(ROOT, '../shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

/** The `skip` option for node:test: false when every path exists, else one line naming the missing ones. */
export function skipUnless(...paths: string[]): string | false {
  const missing = paths.filter((p) => !existsSync(p)).map((p) => path.relative(ROOT, p));
  return missing.length === 0 ? false : `skipped: ${missing.join(', ')} not found`;
}
