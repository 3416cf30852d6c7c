#!/usr/bin/env node
// The installed command runs the compiled CLI in dist/ (built by `npm run build`, which
// `npm ci` in a clone, `npm pack` and git installs run through the prepare script).
// Started with tsx loaded (`node --import tsx bin/sentio.js`, as the tests do), it runs the
// TypeScript sources instead, so development never meets a stale build.
const fromSource = process.execArgv.some((a) => /(^|[\\/=])tsx([\\/]|$)/.test(a));
try {
  await import(fromSource ? '../src/cli/run.ts' : '../dist/cli/run.js');
} catch (e) {
  if (!fromSource && e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/run.js')) {
    console.error('sentio: this copy is not built (dist/ is missing); run `npm run build` in its folder');
    process.exit(1);
  }
  throw e;
}
