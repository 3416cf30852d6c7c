/**
 * Builds the browser bundle: `dist/web/sentio.js` (src/browser.ts as one ES module) plus what it
 * loads at run time beside it — the tfjs wasm backend binaries, PFFFT's pffft.wasm, the default
 * model folder — and the web app: `web/index.html`, `app.js` (web/app.ts, which imports the
 * bundle as `./sentio.js` at run time) and `capture-worklet.js` (the microphone's AudioWorklet).
 * Serve `dist/web/` over HTTP.
 *
 *     npm run build:web [-- --out DIR]
 */
import { build, type Plugin } from 'esbuild';
import { cp, mkdir, copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/**
 * audio-decode lists decoders for formats whose packages are optional (APE, Musepack, ...);
 * those not installed stay as imports that fail at run time, as they do under Node.
 */
const optionalDecoders: Plugin = {
  name: 'optional-audio-decoders',
  setup(b) {
    b.onResolve({ filter: /^@audio\/decode-/ }, (args) => {
      try {
        require.resolve(args.path);
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

/**
 * The app reaches Sentio through the bundle's own `./sentio.js`, left as a run-time import: one
 * copy of the library (and of tfjs) in the page, and `import.meta.url` in the bundle still
 * finds the wasm files and the model beside it.
 */
const bundleAsImport: Plugin = {
  name: 'sentio-bundle-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/sentio\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** Writes the bundle and its run-time files into `outDir`; returns the bundle's path. */
export async function buildWeb(outDir = join(root, 'dist/web')): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const bundle = join(outDir, 'sentio.js');
  // What both bundles share: ES modules for current browsers, minified, with source maps.
  const common = { outdir: outDir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, sourcemap: true, logLevel: 'warning' } as const;
  await build({
    ...common,
    entryPoints: { sentio: join(root, 'src/browser.ts') },
    // Each audio decoder is its own chunk, fetched only when a file of its format arrives.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'linked',
    // Emscripten glue (pffft) and tfjs reach Node modules only on branches taken under Node;
    // leaving them as imports that never run keeps them out of the bundle.
    external: ['module', 'fs', 'path', 'url', 'worker_threads', 'crypto', 'perf_hooks', 'os', 'util', 'node:*'],
    plugins: [optionalDecoders],
  });
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) await copyFile(join(wasmDir, f), join(outDir, f));
  const pffft = join(dirname(require.resolve('@echogarden/pffft-wasm/simd')), 'pffft.wasm');
  await copyFile(pffft, join(outDir, 'pffft.wasm'));
  await cp(join(root, 'models/default'), join(outDir, 'models/default'), { recursive: true });
  await build({
    ...common,
    entryPoints: { app: join(root, 'web/app.ts'), 'capture-worklet': join(root, 'web/capture-worklet.ts') },
    plugins: [bundleAsImport],
  });
  await copyFile(join(root, 'web/index.html'), join(outDir, 'index.html'));
  return bundle;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = await buildWeb(i > 0 ? resolve(process.argv[i + 1]) : undefined);
  console.log(`wrote ${out} (+ wasm files, models/default, index.html, app.js, capture-worklet.js)`);
}
