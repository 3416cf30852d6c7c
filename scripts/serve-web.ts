/**
 * A minimal static HTTP server for the browser bundle, on 127.0.0.1 only: what the demo, the
 * browser tests and the browser benchmark serve `dist/web/` with. `.wasm` goes out as
 * `application/wasm`, which tfjs and PFFFT need for streaming compilation.
 *
 *     npm run serve:web [-- --port 8080]   # after npm run build:web; open http://127.0.0.1:8080/
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIME_TYPES } from '../src/serve/static.ts';


/** Debian's chromium and the flags the browser tests and benchmark run it with (headless, offline). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/**
 * What a request path is: a file on disk (its path; a missing file is a 404) or bytes in memory.
 * `folder(root)` is the usual one.
 */
export type Resolver = (urlPath: string) => string | Uint8Array;

/** Resolves request paths inside `root` (normalised, so `..` cannot leave it). */
export const folder = (root: string): Resolver => (urlPath) => join(root, normalize(urlPath));

/** Serves GET requests through `resolver` on 127.0.0.1:`port` (0: any free port). */
export function serveStatic(resolver: Resolver, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    try {
      // Inside the try: a malformed %-escape is a 404, not an unhandled rejection.
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      const target = resolver(path === '/' ? '/index.html' : path);
      const body = typeof target === 'string' ? await readFile(target) : target;
      res.writeHead(200, { 'content-type': MIME_TYPES[extname(typeof target === 'string' ? target : path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) =>
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      ok({ server, url: `http://127.0.0.1:${address.port}` });
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const root = join(dirname(fileURLToPath(import.meta.url)), '../dist/web');
  const { url } = await serveStatic(folder(root), i > 0 ? Number(process.argv[i + 1]) : 8080);
  console.log(`serving ${root} at ${url}/ (Ctrl-C stops)`);
}
