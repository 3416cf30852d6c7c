/**
 * Folder throughput of `sentio analyze DIR --jobs N` as a whole process, in times real time,
 * against peers in the same run:
 *   - the same command at an earlier commit (`--baseline REF`, built in a temporary git worktree),
 *   - the same files analysed one after another in this process on one thread (the per-file
 *     cost without workers), times N: what N workers could reach with no overhead at all.
 *
 *   npm run build && npm run bench:folder -- [--dir ../shared/datasets/4q] [--jobs 2] [--baseline REF] [--runs 1]
 *
 * Goal (issue 20): ≥ 600× real time on the 720 clips of ../shared/datasets/4q with --jobs 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, loadModel } from '../src/analyze/node.ts';
import { expandInputs } from '../src/cli/inputs.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dir = path.resolve(arg('--dir', path.join(root, '../shared/datasets/4q'))!);
const jobs = Number(arg('--jobs', '2'));
const runs = Number(arg('--runs', '1'));
const baseline = arg('--baseline');
const peerFiles = Number(arg('--peer-files', '60'));

if (!existsSync(dir)) {
  console.error(`bench/folder: ${dir} not found (give --dir)`);
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist/cli/run.js'))) {
  console.error('bench/folder: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'sentio-folder-'));

/** Checks out and builds `ref` in a worktree; returns the node arguments that run its CLI. */
function prepareBaseline(ref: string): string[] {
  const tree = path.join(work, 'baseline');
  execFileSync('git', ['worktree', 'add', '--detach', tree, ref], { cwd: root, stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
  // Commits before the compiled package ran their TypeScript through tsx from bin/sentio.js.
  if (existsSync(path.join(tree, 'tsconfig.build.json'))) execFileSync('npm', ['run', 'build'], { cwd: tree, stdio: 'ignore' });
  return [path.join(tree, 'bin/sentio.js')];
}

/** Runs one `sentio analyze` process over the folder; returns wall seconds and audio seconds. */
function runFolder(nodeArgs: string[], label: string): { seconds: number; audioSeconds: number; files: number; failed: number } {
  const out = path.join(work, `${label}.jsonl`);
  rmSync(out, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, [...nodeArgs, 'analyze', dir, '--format', 'jsonl', '--out', out, '--jobs', String(jobs), '--no-progress'], { cwd: root, encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { duration?: number; error?: string });
  const audioSeconds = records.reduce((a, x) => a + (x.duration ?? 0), 0);
  return { seconds, audioSeconds, files: records.length, failed: records.filter((x) => x.error).length };
}

const line = (label: string, seconds: number, audioSeconds: number, note = '') =>
  console.log(`${label.padEnd(46)} ${seconds.toFixed(1).padStart(7)} s ${(audioSeconds / seconds).toFixed(0).padStart(6)}× real time  ${note}`);

try {
  const { files } = await expandInputs([dir]);
  console.log(`${files.length} files in ${dir}; --jobs ${jobs}; node ${process.version}; ${runs} run(s) each\n`);
  const baselineArgs = baseline ? prepareBaseline(baseline) : null;
  const current = [path.join(root, 'bin/sentio.js')];
  const results: Record<string, { seconds: number; audioSeconds: number }[]> = { current: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate, so both see the same machine load.
    results.current.push(runFolder(current, 'current'));
    if (baselineArgs) results.baseline.push(runFolder(baselineArgs, 'baseline'));
  }
  const best = (xs: { seconds: number; audioSeconds: number }[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const now = best(results.current);
  line(`sentio analyze DIR --jobs ${jobs} (this commit)`, now.seconds, now.audioSeconds, (now.audioSeconds / now.seconds >= 600 ? 'goal ≥ 600×: met' : 'goal ≥ 600×: MISSED'));
  if (baselineArgs) {
    const before = best(results.baseline);
    line(`sentio analyze DIR --jobs ${jobs} (${baseline})`, before.seconds, before.audioSeconds, `this commit is ${(before.seconds / now.seconds).toFixed(2)}× as fast`);
  }

  // The peer: per-file cost in this process, one thread, model loaded and warm.
  const model = await loadModel();
  const sample = files.slice(0, Math.min(peerFiles, files.length));
  await analyze(sample[0].path, { model });
  let audio = 0;
  const t = performance.now();
  for (const f of sample) audio += (await analyze(f.path, { model })).duration;
  const peerSeconds = (performance.now() - t) / 1000;
  const perCore = audio / peerSeconds;
  line(`in-process, one thread (${sample.length} files)`, peerSeconds, audio, `× ${jobs} = ${(perCore * jobs).toFixed(0)}× with no overhead`);
  console.log(`\nfolder run / (${jobs} × one thread): ${((now.audioSeconds / now.seconds) / (perCore * jobs)).toFixed(2)}`);
} finally {
  if (baseline) spawnSync('git', ['worktree', 'remove', '--force', path.join(work, 'baseline')], { cwd: root });
  rmSync(work, { recursive: true, force: true });
}
