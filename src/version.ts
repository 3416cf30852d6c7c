/**
 * The package's own version, read from package.json beside `src/` (or `dist/` once built).
 * Read with require rather than a JSON import: Node 20 still flags JSON import attributes as
 * experimental and prints a warning on every start.
 */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** e.g. '0.1.0'. */
export const VERSION: string = pkg.version;
/** e.g. 'sentio@0.1.0', as written into provenance records. */
export const LIBRARY_ID = `${pkg.name}@${pkg.version}`;
