/** Architectures by name. The `svr` and `mean` baselines are not networks: see svr.ts and mean.ts. */
import { crnn, crnnNb } from './crnn.ts';
import { gruForked, gruParallel } from './gru.ts';
import { sentioCnn } from './sentio-cnn.ts';
import { sentioCrnn } from './sentio-crnn.ts';
import { sentioMlp } from './sentio-mlp.ts';
import type { Architecture, Options } from './types.ts';

export const architectures: Readonly<Record<string, Architecture>> = Object.freeze({
  crnn: crnn as unknown as Architecture,
  'crnn-nb': crnnNb as unknown as Architecture,
  'sentio-crnn': sentioCrnn as unknown as Architecture,
  'sentio-cnn': sentioCnn as unknown as Architecture,
  'sentio-mlp': sentioMlp as unknown as Architecture,
  'gru-parallel': gruParallel as unknown as Architecture,
  'gru-forked': gruForked as unknown as Architecture,
});

export function getArchitecture(name: string): Architecture {
  const a = architectures[name];
  if (!a) throw new Error(`unknown architecture '${name}' (known: ${Object.keys(architectures).join(', ')}, plus the baselines svr and mean)`);
  return a;
}

/**
 * Merges user overrides into an architecture's defaults, coercing strings from the CLI
 * ("0.5", "true") to the type of the default and rejecting unknown keys.
 */
export function resolveOptions(arch: Architecture, overrides: Record<string, unknown> = {}): Options {
  const out: Options = { ...arch.defaults };
  for (const [key, raw] of Object.entries(overrides)) {
    if (!(key in arch.defaults)) throw new Error(`${arch.name}: unknown option '${key}' (options: ${Object.keys(arch.defaults).join(', ')})`);
    const def = arch.defaults[key];
    if (typeof def === 'number') {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${arch.name}: option '${key}' must be a number, got '${String(raw)}'`);
      out[key] = n;
    } else if (typeof def === 'boolean') {
      if (raw === true || raw === 'true' || raw === '1') out[key] = true;
      else if (raw === false || raw === 'false' || raw === '0') out[key] = false;
      else throw new Error(`${arch.name}: option '${key}' must be true or false, got '${String(raw)}'`);
    } else out[key] = String(raw);
  }
  return out;
}
