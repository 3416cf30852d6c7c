/**
 * The package as a user gets it: `npm pack`, install the tarball into a fresh project with no
 * TypeScript, import it from plain JavaScript, run the installed `sentio` binary, and type-check a
 * TypeScript consumer against the shipped declarations.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analyze/node.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clip = path.join(root, 'test/fixtures/emomusic/3.mp3');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(path.join(tmpdir(), 'sentio-pack-'));
const project = path.join(work, 'consumer');
let tarball = '';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

before(() => {
  // `npm pack` runs the prepare script, so this also checks that the build works from the sources.
  const out = npm(['pack', '--json', '--pack-destination', work], root);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info.filename);
  writeFileSync(path.join(work, 'files.json'), JSON.stringify(info.files.map((f) => f.path)));
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // The dependencies come from npm's cache when it has them (CI ran `npm ci` just before).
  npm(['install', '--prefer-offline', tarball], project);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds the build, the model and the command, and no tests', { timeout: 60_000 }, () => {
  const files = JSON.parse(execFileSync('cat', [path.join(work, 'files.json')], { encoding: 'utf8' })) as string[];
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/run.js', 'dist/analyze/worker.js', 'bin/sentio.js', 'models/default/sentio.json', 'package.json']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('test/')), 'no tests in the tarball');
  const installed = path.join(project, 'node_modules');
  assert.ok(!existsSync(path.join(installed, 'tsx')), 'tsx is not installed with the package');
  assert.ok(!existsSync(path.join(installed, 'typescript')), 'typescript is not installed with the package');
});

test('plain JavaScript imports the installed package and analyses a clip as the sources do', { timeout: 120_000 }, async () => {
  writeFileSync(
    path.join(project, 'use.mjs'),
    `import { analyze } from 'sentio';\nconst r = await analyze(process.argv[2]);\nprocess.stdout.write(JSON.stringify(r));\n`,
  );
  const out = execFileSync(process.execPath, ['use.mjs', clip], { cwd: project, encoding: 'utf8' });
  const fromPackage = JSON.parse(out);
  const fromSources = JSON.parse(JSON.stringify(await analyze(clip)));
  assert.deepEqual(fromPackage, fromSources);
});

test('the installed sentio binary runs: --help, analyze a file and a folder on workers, exit codes', { timeout: 120_000 }, () => {
  const bin = path.join(project, 'node_modules/.bin/sentio');
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /analyze/);
  const one = spawnSync(bin, ['analyze', clip, '--format', 'jsonl'], { encoding: 'utf8' });
  assert.equal(one.status, 0, one.stderr);
  const record = JSON.parse(one.stdout);
  assert.equal(record.file, clip);
  assert.equal(record.timeline.length, 91);
  // A folder runs on worker threads, which load the compiled worker module.
  const folder = path.join(work, 'clips');
  execFileSync('mkdir', ['-p', folder]);
  for (const f of ['3.mp3', '4.mp3']) execFileSync('cp', [path.join(root, 'test/fixtures/emomusic', f), folder]);
  const many = spawnSync(bin, ['analyze', folder, '--format', 'jsonl', '--jobs', '2', '--no-progress'], { encoding: 'utf8' });
  assert.equal(many.status, 0, many.stderr);
  const lines = many.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; duration: number });
  assert.deepEqual(lines.map((l) => path.basename(l.file)).sort(), ['3.mp3', '4.mp3']);
  const missing = spawnSync(bin, ['analyze', path.join(work, 'nope.mp3')], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.mp3: file not found/);
});

test('a TypeScript consumer type-checks against the shipped declarations, and a wrong type fails', { timeout: 120_000 }, () => {
  const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true }, files: ['consumer.ts'] };
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const consumer = (body: string) => writeFileSync(path.join(project, 'consumer.ts'), `import { analyze, EmotionStream, type AnalysisResult, type LivePoint } from 'sentio';\n${body}\n`);
  consumer(`const r: AnalysisResult = await analyze('song.mp3');\nconst v: number = r.summary.valence;\nconst p: LivePoint[] = [];\nexport { v, p, EmotionStream };`);
  const ok = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  consumer(`const r: AnalysisResult = await analyze('song.mp3');\nconst v: string = r.summary.valence;\nexport { v, EmotionStream };`);
  const bad = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /consumer\.ts.*TS2322.*'number' is not assignable to type 'string'/);
  // Our own declarations are clean under full checking (tfjs's own .d.ts are not, so they are left out).
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: false } }));
  consumer(`export const r = await analyze('song.mp3');`);
  const full = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  const ours = full.stdout.split('\n').filter((l) => l.includes('node_modules/sentio/'));
  assert.deepEqual(ours, []);
  assert.ok(readdirSync(path.join(project, 'node_modules/sentio/dist')).includes('index.d.ts'));
});
