/**
 * The static file server of `sentio serve`: the built web page (`dist/web`) over HTTP, made safe
 * to leave running on a machine with lights and other people's browsers around it.
 *
 * Secure by construction rather than by clean-up:
 * - only GET and HEAD (405 with Allow otherwise), no request body (413), request target at most
 *   {@link MAX_URL_BYTES} (414), headers at most {@link MAX_HEADER_BYTES} (Node answers 431);
 * - the request target must be a plain origin-form path: absolute URLs (`http://evil/…`), `//`,
 *   `.`/`..` segments, backslashes, control bytes, and the encoded forms a decoder could turn into
 *   any of those (`%2f`, `%5c`, `%00`, `%25` — so nothing is ever decoded twice) are refused
 *   with 400 before the file system is touched;
 * - the decoded path is resolved with realpath and must stay inside the root's own realpath, so a
 *   symlink pointing out of the bundle is refused (404); the file is then opened without
 *   following links and checked to be a regular file through its descriptor;
 * - no directory listing (a directory is 404, except `/` → index.html), no dotfiles (404);
 * - the Host header must name this server (hosts.ts: DNS rebinding), else 421;
 * - every response carries nosniff, no-referrer, same-origin resource and opener policies and a
 *   Content-Security-Policy that allows the page's own files, its inline scripts and styles by
 *   hash, wasm compilation, media from blob: and connections back to this server only; no CORS
 *   headers anywhere, so other sites cannot read what the server says.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HostPolicy, reachableNames, urlHost, isWildcardHost } from './hosts.ts';

/** Longest request target accepted, bytes (414 beyond). */
export const MAX_URL_BYTES = 2048;
/** Largest request head Node accepts, bytes (431 beyond). */
export const MAX_HEADER_BYTES = 8192;

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.bin': 'application/octet-stream',
};

/** What a request target names: a path inside the root (segments empty for `/`), or why not. */
export type RequestTarget = { path: string; segments: string[]; query: string } | { status: 400 | 404 | 414; reason: string };

// RFC 3986 pchar and '/': anything else (backslash, quotes, spaces, bytes ≥ 0x80) is refused raw.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
// Encodings of '/', '\', NUL and '%' itself: decoding them could make a separator, a traversal
// or (decoded again anywhere) a second round of escapes.
const DANGEROUS_ESCAPES = /%(2f|5c|00|25)/i;

/** Parses a raw request target (req.url, exactly as the client sent it). */
export function parseRequestTarget(raw: string): RequestTarget {
  if (Buffer.byteLength(raw) > MAX_URL_BYTES) return { status: 414, reason: `request target longer than ${MAX_URL_BYTES} bytes` };
  if (!raw.startsWith('/') || raw.startsWith('//')) return { status: 400, reason: 'request target must be a path starting with a single /' };
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (!PATH_CHARS.test(rawPath)) return { status: 400, reason: 'path has characters that must be percent-encoded, or a backslash' };
  if (DANGEROUS_ESCAPES.test(rawPath)) return { status: 400, reason: 'path has an encoded /, \\, NUL or %' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (/[\x00-\x1f\x7f\\%]/.test(path)) return { status: 400, reason: 'path has control characters, a backslash or %' };
  if (path === '/') return { path, segments: [], query };
  const segments = path.slice(1).split('/');
  const last = segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const s = segments[i];
    if (s === '' && i < last) return { status: 400, reason: 'empty path segment' };
    if (s === '.' || s === '..') return { status: 400, reason: 'dot segment in path' };
  }
  // After the checks above, so a traversal attempt is a 400 wherever it sits.
  if (segments[last] === '') return { status: 404, reason: 'not found' }; // a directory: no listings
  if (segments.some((s) => s.startsWith('.'))) return { status: 404, reason: 'not found' }; // dotfiles
  return { path, segments, query };
}

/** The hashes (`'sha256-…'` sources) of an HTML page's inline scripts and styles, for its CSP. */
export function inlineHashes(html: string): { scripts: string[]; styles: string[] } {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) if (!/\bsrc\s*=/i.test(m[1]) && m[2].length) scripts.push(hash(m[2]));
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) if (m[1].length) styles.push(hash(m[1]));
  return { scripts, styles };
}

/**
 * The Content-Security-Policy of every response (a worker script gets its own response's policy,
 * so one policy for all). `host` is the validated Host header: WebSocket connections may go back
 * to this server only (`'self'` covers ws: in current browsers, older ones need it spelled out).
 */
export function contentSecurityPolicy(host: string, inline: { scripts: string[]; styles: string[] } = { scripts: [], styles: [] }): string {
  const extra = (list: string[]) => (list.length ? ` ${list.join(' ')}` : '');
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval'${extra(inline.scripts)}`,
    `style-src 'self'${extra(inline.styles)}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ws://${host}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response carries. */
function securityHeaders(res: http.ServerResponse, host: string | null): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
  // An unvalidated Host must not reach a header: without one the policy allows no connections at all.
  res.setHeader('Content-Security-Policy', host ? contentSecurityPolicy(host) : "default-src 'none'; frame-ancestors 'none'");
}

function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function fail(req: http.IncomingMessage, res: http.ServerResponse, status: number, reason: string): void {
  const body = `${status} ${http.STATUS_CODES[status] ?? ''}: ${reason}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  // An unread body would otherwise be parsed as the next request on a kept-alive connection.
  if (hasBody(req)) res.setHeader('Connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers an upgrade request with an HTTP error and drops the connection (nothing was upgraded). */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${status} ${http.STATUS_CODES[status] ?? ''}: ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** What an upgrade handler learns about its request once the server's own checks passed. */
export interface UpgradeRequest {
  /** Decoded path, e.g. `/bridge`. */
  path: string;
  query: URLSearchParams;
  /** The validated Host header (lower case, with port). */
  host: string;
  /** The origin of a page this server served under that Host: `http://host`. */
  origin: string;
}

export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer, request: UpgradeRequest) => void;

export interface StaticServerOptions {
  /** The bundle folder (index.html at its top). */
  root: string;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  port?: number;
  /** More names the server is reached at (a DNS name, a reverse proxy), for the Host check. */
  allowHosts?: readonly string[];
  /** JSON documents made per request, at exact paths (never cached, same-origin readable only). */
  documents?: Readonly<Record<string, () => unknown>>;
  /** WebSocket endpoints by path; an upgrade anywhere else is refused with 404. */
  upgrades?: Readonly<Record<string, UpgradeHandler>>;
}

export interface StaticServer {
  readonly server: http.Server;
  readonly host: string;
  readonly port: number;
  /** A URL of the page that works on this machine, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly hosts: HostPolicy;
  /** Stops listening and closes every HTTP connection (upgraded sockets belong to their handler). */
  close(): Promise<void>;
}

// esbuild's chunk names carry a content hash ('chunks/[name]-[hash]'): those never change.
const HASHED_CHUNK = /^chunks\/[^/]+-[A-Z0-9]{8}\.js(\.map)?$/;

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === etag.slice(2);
  });
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = await realpath(options.root);
  const rootPrefix = root.endsWith(sep) ? root : root + sep;
  const bindHost = options.host ?? '127.0.0.1';
  const documents = options.documents ?? {};
  const upgrades = options.upgrades ?? {};
  let hosts: HostPolicy | undefined;

  /** The real path of `segments` under the root, or null when it does not exist or leaves the root. */
  async function resolveInside(segments: string[]): Promise<string | null> {
    let real: string;
    try {
      real = await realpath(join(root, ...segments));
    } catch {
      return null;
    }
    if (real === root) return real;
    if (!real.startsWith(rootPrefix)) return null;
    // A link inside the root may still point at a dotfile inside it.
    return real.slice(rootPrefix.length).split(sep).some((s) => s.startsWith('.')) ? null : real;
  }

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, segments: string[], host: string): Promise<void> {
    const real = await resolveInside(segments.length ? segments : ['index.html']);
    if (!real || real === root) return fail(req, res, 404, 'not found');
    let handle: FileHandle | undefined;
    try {
      // O_NOFOLLOW: the real path has no links; one swapped in since cannot be followed out.
      handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch {
      return fail(req, res, 404, 'not found');
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) return fail(req, res, 404, 'not found');
      const rel = real.slice(rootPrefix.length).split(sep).join('/');
      const type = MIME_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
      const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', HASHED_CHUNK.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('ETag', etag);
      res.setHeader('Last-Modified', st.mtime.toUTCString());
      res.setHeader('Accept-Ranges', 'none');
      if (etagMatches(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      if (type.startsWith('text/html')) {
        // The page is small: read it whole to allow exactly its own inline code in its policy.
        const html = await handle.readFile();
        res.setHeader('Content-Security-Policy', contentSecurityPolicy(host, inlineHashes(html.toString('utf8'))));
        res.setHeader('Content-Length', html.length);
        res.end(req.method === 'HEAD' ? undefined : html);
        return;
      }
      res.setHeader('Content-Length', st.size);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = handle.createReadStream({ autoClose: true });
      handle = undefined; // the stream owns it now
      await pipeline(stream, res).catch(() => res.destroy());
    } finally {
      await handle?.close();
    }
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = req.url ?? '';
    const host = hosts?.check(req.headers.host) ?? null;
    securityHeaders(res, host);
    if (Buffer.byteLength(raw) > MAX_URL_BYTES) return fail(req, res, 414, `request target longer than ${MAX_URL_BYTES} bytes`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return fail(req, res, 405, `${req.method} is not served here; only GET and HEAD`);
    }
    if (hasBody(req)) return fail(req, res, 413, 'GET and HEAD take no body');
    if (!host) return fail(req, res, 421, 'this server does not answer to that Host name (see sentio serve --allow-host)');
    const target = parseRequestTarget(raw);
    if ('status' in target) return fail(req, res, target.status, target.reason);
    const document = Object.hasOwn(documents, target.path) ? documents[target.path] : undefined;
    if (document) {
      const body = JSON.stringify(document());
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.setHeader('Cache-Control', 'no-store');
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    await serveFile(req, res, target.segments, host);
  }

  const server = http.createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, requireHostHeader: true },
    (req, res) => {
      onRequest(req, res).catch(() => {
        if (!res.headersSent) fail(req, res, 500, 'internal error');
        else res.destroy();
      });
    },
  );
  // A local page needs a handful of connections; this bounds what a flood can hold open.
  server.maxConnections = 128;

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const raw = req.url ?? '';
    if (Buffer.byteLength(raw) > MAX_URL_BYTES) return refuseUpgrade(socket, 414, `request target longer than ${MAX_URL_BYTES} bytes`);
    if (req.method !== 'GET') return refuseUpgrade(socket, 405, 'upgrades are GET requests');
    const host = hosts?.check(req.headers.host);
    if (!host) return refuseUpgrade(socket, 421, 'this server does not answer to that Host name');
    const target = parseRequestTarget(raw);
    if ('status' in target) return refuseUpgrade(socket, target.status, target.reason);
    const handler = Object.hasOwn(upgrades, target.path) ? upgrades[target.path] : undefined;
    if (!handler) return refuseUpgrade(socket, 404, 'no WebSocket endpoint here');
    handler(req, socket, head, { path: target.path, query: new URLSearchParams(target.query), host, origin: `http://${host}` });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  hosts = new HostPolicy(reachableNames(bindHost, options.allowHosts), port);
  const shown = isWildcardHost(bindHost) ? (bindHost === '::' ? '[::1]' : '127.0.0.1') : urlHost(bindHost);
  return {
    server,
    host: bindHost,
    port,
    url: `http://${shown}:${port}/`,
    hosts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
