/**
 * Whole-process times of the `sentio` command, built (dist/, what an installed package runs)
 * against the TypeScript sources through tsx, in one run: the cold start of `sentio --help`,
 * `sentio features --set logmel` and `sentio analyze` on a 3-minute 44.1 kHz MP3.
 *
 *   npm run build && npm run bench:startup [-- --runs 7]
 *
 * Each command runs `runs` times alternating built and tsx, so both see the same machine load;
 * the median is reported. Goals (issue 20): `--help` under 0.3 s; `features --set logmel`
 * under 0.85 s, 3× librosa's 2.5 s for the same job as a whole Python process (librosa 0.10,
 * measured on this kind of machine elsewhere: librosa is not installable here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatFiles } from './util.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const LIBROSA_LOGMEL_SECONDS = 2.5;

if (!existsSync(path.join(root, 'dist/cli/run.js'))) {
  console.error('bench/startup: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'sentio-startup-'));
const song = path.join(work, 'song.mp3');
// Four 45 s emoMusic fixtures (44.1 kHz MP3) back to back: 3 minutes.
writeFileSync(song, concatFiles(['3', '4', '7', '8'].map((id) => path.join(root, `test/fixtures/emomusic/${id}.mp3`))));

const bin = path.join(root, 'bin/sentio.js');
const modes = {
  built: [bin],
  tsx: ['--import', 'tsx', bin],
} as const;
const commands: { label: string; args: string[]; goalSeconds?: number }[] = [
  { label: 'sentio --help', args: ['--help'], goalSeconds: 0.3 },
  { label: 'sentio features song.mp3 --set logmel', args: ['features', song, '--set', 'logmel'], goalSeconds: 0.85 },
  { label: 'sentio analyze song.mp3', args: ['analyze', song] },
];

/** Wall time of one whole process, seconds; stdout goes to a file as in a shell redirect. */
function timeProcess(nodeArgs: readonly string[], args: string[]): number {
  const out = openSync(path.join(work, 'out'), 'w');
  const t = performance.now();
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], { cwd: root, stdio: ['ignore', out, 'pipe'] });
  const seconds = (performance.now() - t) / 1000;
  closeSync(out);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return seconds;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`Whole-process wall time, median of ${runs} runs (built and tsx alternating), node ${process.version}\n`);
console.log(`${'command'.padEnd(42)} ${'built'.padStart(8)} ${'tsx'.padStart(8)} ${'tsx/built'.padStart(10)}  goal`);
try {
  for (const c of commands) {
    const times = { built: [] as number[], tsx: [] as number[] };
    timeProcess(modes.built, c.args); // warm the file cache
    for (let i = 0; i < runs; i++) {
      times.built.push(timeProcess(modes.built, c.args));
      times.tsx.push(timeProcess(modes.tsx, c.args));
    }
    const built = median(times.built);
    const tsx = median(times.tsx);
    const goal = c.goalSeconds === undefined ? '' : `< ${c.goalSeconds} s: ${built < c.goalSeconds ? 'met' : 'MISSED'} (${(built / c.goalSeconds).toFixed(2)} of it)`;
    console.log(`${c.label.padEnd(42)} ${(built.toFixed(3) + ' s').padStart(8)} ${(tsx.toFixed(3) + ' s').padStart(8)} ${(tsx / built).toFixed(2).padStart(9)}×  ${goal}`);
    if (c.args[0] === 'features') {
      console.log(`${''.padEnd(42)} librosa (2.5 s, measured elsewhere) / built: ${(LIBROSA_LOGMEL_SECONDS / built).toFixed(2)}×`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
