/**
 * The static server of `sentio serve` against raw requests (node:net, so no client tidies the
 * path first): traversal in every encoding, symlinks out of the root, directories, dotfiles,
 * methods, bodies, sizes, the Host check, MIME types and the security headers.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HostPolicy, reachableNames } from '../../src/serve/hosts.ts';
import { contentSecurityPolicy, inlineHashes, MAX_URL_BYTES, parseRequestTarget, startStaticServer, type StaticServer } from '../../src/serve/static.ts';
import { get, rawRequest, type RawResponse } from './raw-http.ts';

const SCRIPT = "\n  import { x } from './sentio.js';\n  document.title = x;\n";
const STYLE = '\n  body { color: #222; }\n';
const INDEX = `<!doctype html><html><head><style>${STYLE}</style></head><body><script type="module">${SCRIPT}</script><script src="./sentio.js"></script></body></html>`;
// Whatever lies outside the root: none of these may ever appear in a response.
const SECRETS = ['PARENT-SECRET', 'OUTSIDE-SECRET', 'DOTFILE-SECRET', 'root:x:0:0'];

let dir: string;
let site: StaticServer;
let port: number;
const responses: RawResponse[] = [];

async function req(target: string, extra: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const r = await get(port, target, extra, method);
  responses.push(r);
  return r;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentio-static-'));
  const root = join(dir, 'site', 'web');
  await mkdir(join(root, 'chunks'), { recursive: true });
  await mkdir(join(root, 'models', 'default'), { recursive: true });
  await mkdir(join(root, '.git'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(dir, 'site', 'package.json'), '{"name": "PARENT-SECRET"}');
  await writeFile(join(dir, 'outside', 'secret.txt'), 'OUTSIDE-SECRET');
  const files: Record<string, string> = {
    'index.html': INDEX,
    'sentio.js': 'export const x = 1;',
    'sentio.js.map': '{"version":3}',
    'chunks/decode-mp3-ABCD1234.js': 'export {};',
    'chunks/plain.js': 'export {};',
    'tfjs-backend-wasm.wasm': '\0asm',
    'style.css': 'body{}',
    'logo.png': 'PNG',
    'logo.svg': '<svg/>',
    'song.mp3': 'ID3',
    'song.ogg': 'OggS',
    'song.wav': 'RIFF',
    'song.flac': 'fLaC',
    'models/default/sentio.json': '{}',
    'models/default/weights.bin': 'W',
    'LEGAL.txt': 'MIT',
    'data.xyz': '?',
    '.secret': 'DOTFILE-SECRET',
    '.git/config': 'DOTFILE-SECRET',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  await symlink(join(dir, 'outside', 'secret.txt'), join(root, 'out.txt'));
  await symlink(join(dir, 'outside'), join(root, 'outdir'));
  await symlink(join(dir, 'site', 'package.json'), join(root, 'chunks', 'up.json'));
  await symlink('sentio.js', join(root, 'alias.js'));
  await symlink('.secret', join(root, 'visible.txt'));
  site = await startStaticServer({ root, port: 0, documents: { '/sentio-serve.json': () => ({ bridge: false }) } });
  port = site.port;
});

after(async () => {
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('GET / is index.html, with the security headers and a CSP allowing exactly its inline code', async () => {
  const r = await req('/');
  assert.equal(r.status, 200);
  assert.equal(r.body, INDEX);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers['content-length'], String(Buffer.byteLength(INDEX)));
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin');
  assert.equal(r.headers['cache-control'], 'no-cache');
  const csp = r.headers['content-security-policy'];
  const sha = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
  assert.match(csp, /(^|; )default-src 'none'(;|$)/);
  assert.ok(csp.includes(`script-src 'self' 'wasm-unsafe-eval' ${sha(SCRIPT)}`), csp);
  assert.ok(csp.includes(`style-src 'self' ${sha(STYLE)}`), csp);
  assert.ok(csp.includes(`connect-src 'self' ws://127.0.0.1:${port}`), csp);
  for (const d of ["media-src 'self' blob:", "worker-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), d);
  assert.ok(!csp.includes("'unsafe-inline'") && !csp.includes("'unsafe-eval'"), csp);
  assert.deepEqual((await req('/index.html')).body, INDEX);
});

test('HEAD sends the headers of GET and no body', async () => {
  const r = await req('/sentio.js', {}, 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '19');
  assert.equal(r.body, '');
});

test('MIME types: wasm as application/wasm, js, json, html, css, map, images, audio; unknown as octet-stream', async () => {
  const expected: Record<string, string> = {
    '/sentio.js': 'text/javascript; charset=utf-8',
    '/sentio.js.map': 'application/json',
    '/tfjs-backend-wasm.wasm': 'application/wasm',
    '/style.css': 'text/css; charset=utf-8',
    '/logo.png': 'image/png',
    '/logo.svg': 'image/svg+xml',
    '/song.mp3': 'audio/mpeg',
    '/song.ogg': 'audio/ogg',
    '/song.wav': 'audio/wav',
    '/song.flac': 'audio/flac',
    '/models/default/sentio.json': 'application/json',
    '/models/default/weights.bin': 'application/octet-stream',
    '/LEGAL.txt': 'text/plain; charset=utf-8',
    '/data.xyz': 'application/octet-stream',
  };
  for (const [path, type] of Object.entries(expected)) {
    const r = await req(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
  }
});

test('traversal in every encoding is refused before the file system is read', async () => {
  const attacks = [
    '/../package.json',
    '/..%2f..%2fetc/passwd',
    '/..%2F..%2Fetc%2Fpasswd',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/etc/passwd',
    '/chunks/..%5c..%5cpackage.json',
    '/%252e%252e/package.json',
    '/%252e%252e%252fpackage.json',
    '/chunks/%2e%2e/%2e%2e/package.json',
    '/chunks/./../../package.json',
    '//etc/passwd',
    '/chunks//../package.json',
    'http://evil/../../etc/passwd',
    `http://127.0.0.1:1/../package.json`,
    '*',
    '/sentio.js%00.html',
    '/%c0%ae%c0%ae/package.json',
    '/%',
    '/%zz',
  ];
  for (const target of attacks) {
    const r = await req(target);
    assert.equal(r.status, 400, `${target}: ${r.status} ${r.body}`);
  }
  // A raw backslash or NUL is refused by Node's parser or by the server: never served.
  for (const target of ['/chunks\\..\\..\\package.json', '/sentio.js\0']) {
    const r = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    responses.push(r);
    assert.equal(r.status, 400, target);
  }
});

test('a symlink out of the root is refused (checked after realpath); one inside is served', async () => {
  for (const target of ['/out.txt', '/outdir/secret.txt', '/chunks/up.json']) {
    const r = await req(target);
    assert.equal(r.status, 404, target);
  }
  const inside = await req('/alias.js');
  assert.equal(inside.status, 200);
  assert.equal(inside.body, 'export const x = 1;');
  assert.equal((await req('/visible.txt')).status, 404, 'a link to a dotfile inside the root');
});

test('directories are not listed; dotfiles are not served', async () => {
  for (const target of ['/chunks', '/chunks/', '/models/default/', '/models', '/.secret', '/.git/config', '/.git/', '/chunks/.hidden', '/%2esecret']) {
    const r = await req(target);
    assert.equal(r.status, 404, `${target}: ${r.status}`);
  }
  assert.equal((await req('/missing.js')).status, 404);
});

test('methods other than GET and HEAD: 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
    const r = await req('/', { 'Content-Length': '0' }, method);
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD', method);
  }
  const post = await rawRequest(port, `POST /index.html HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 4\r\n\r\nabcd`);
  assert.equal(post.status, 405);
  assert.equal(post.headers.connection, 'close');
});

test('a GET or HEAD with a body: 413, and the connection is closed', async () => {
  // No Connection: close from the client: the server must end it, or the test's wait runs out.
  const sized = await rawRequest(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 5\r\n\r\nhello`);
  assert.equal(sized.status, 413);
  assert.equal(sized.headers.connection, 'close');
  const chunked = await rawRequest(port, `HEAD / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  assert.equal(chunked.status, 413);
  assert.equal((await req('/', { 'Content-Length': '0' })).status, 200, 'an explicit empty body is fine');
});

test('size limits: a request target over 2048 bytes is 414, oversized headers 431', async () => {
  const long = `/${'a'.repeat(MAX_URL_BYTES)}`;
  assert.equal((await req(long)).status, 414);
  assert.equal((await req(`/?q=${'a'.repeat(MAX_URL_BYTES)}`)).status, 414);
  assert.equal((await req(`/${'a'.repeat(MAX_URL_BYTES - 8)}`)).status, 404, 'just under the limit is an ordinary miss');
  const r = await rawRequest(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'b'.repeat(9000)}\r\n\r\n`);
  assert.equal(r.status, 431);
});

test('the Host header must name this server (DNS rebinding)', async () => {
  assert.equal((await req('/', { Host: `localhost:${port}` })).status, 200);
  for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'evil.example', `127.0.0.1:${port}@evil`, '']) {
    const r = await req('/', { Host: host });
    assert.ok(r.status === 421 || r.status === 400, `${host}: ${r.status}`);
    assert.ok(!r.body.includes('<html'), host);
  }
  assert.equal((await rawRequest(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')).status, 400, 'no Host at all');
});

test('conditional GET: ETag and 304; hashed chunks are immutable, the rest revalidated', async () => {
  const first = await req('/sentio.js');
  assert.ok(first.headers.etag);
  assert.equal(first.headers['cache-control'], 'no-cache');
  const again = await req('/sentio.js', { 'If-None-Match': first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  assert.equal((await req('/chunks/decode-mp3-ABCD1234.js')).headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal((await req('/chunks/plain.js')).headers['cache-control'], 'no-cache');
});

test('JSON documents are served fresh (no-store); upgrades to unknown paths are refused', async () => {
  const r = await req('/sentio-serve.json');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { bridge: false });
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['cache-control'], 'no-store');
  const up = await rawRequest(
    port,
    `GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  assert.equal(up.status, 404);
});

test('no response ever carried a CORS header or anything from outside the root', () => {
  assert.ok(responses.length > 60, `${responses.length} responses checked`);
  for (const r of responses) {
    for (const name of Object.keys(r.headers)) assert.ok(!name.startsWith('access-control-'), `${name} in a response`);
    for (const secret of SECRETS) assert.ok(!r.text.includes(secret), `${secret} leaked: ${r.text.slice(0, 200)}`);
    // Node's own parser answers malformed requests (raw NUL, oversized head) bare; every answer of the server has the headers.
    if (r.headers['content-type']) assert.equal(r.headers['x-content-type-options'], 'nosniff', r.text.slice(0, 100));
  }
});

test('parseRequestTarget and the CSP helpers', () => {
  assert.deepEqual(parseRequestTarget('/a/b.js?x=1'), { path: '/a/b.js', segments: ['a', 'b.js'], query: 'x=1' });
  assert.deepEqual(parseRequestTarget('/a%20b.js'), { path: '/a b.js', segments: ['a b.js'], query: '' });
  assert.deepEqual(parseRequestTarget('/'), { path: '/', segments: [], query: '' });
  assert.equal((parseRequestTarget('/a/../b') as { status: number }).status, 400);
  // Refused as encodings, before decoding: no later layer has to catch what they decode to.
  for (const t of ['/..%2fetc', '/..%5Cx', '/x%00', '/%252e%252e/x']) assert.match((parseRequestTarget(t) as { reason: string }).reason, /encoded/, t);
  assert.deepEqual(inlineHashes('<script src="x.js"></script><script></script>'), { scripts: [], styles: [] });
  assert.ok(!contentSecurityPolicy('h:1').includes("'sha256-"));
});

test('the names a server answers to: the bound address, localhost for loopback, every interface for a wildcard', () => {
  assert.deepEqual(reachableNames('127.0.0.1'), ['127.0.0.1', 'localhost']);
  assert.deepEqual(reachableNames('::1'), ['[::1]', 'localhost']);
  assert.deepEqual(reachableNames('localhost').sort(), ['127.0.0.1', '[::1]', 'localhost']);
  assert.deepEqual(reachableNames('192.168.1.20', ['Lights.Example']), ['192.168.1.20', 'lights.example']);
  const all = reachableNames('0.0.0.0');
  for (const a of Object.values(networkInterfaces()).flat()) if (a?.family === 'IPv4') assert.ok(all.includes(a.address), a.address);
  assert.ok(all.includes('localhost') && all.includes(hostname().toLowerCase()));
  const policy = new HostPolicy(['127.0.0.1', 'localhost', '[::1]'], 8080);
  assert.equal(policy.check('LOCALHOST:8080'), 'localhost:8080');
  assert.equal(policy.check('[::1]:8080'), '[::1]:8080');
  for (const bad of ['localhost', 'localhost:8081', 'evil.example:8080', 'localhost:8080:1', 'localhost.:8080', undefined]) assert.equal(policy.check(bad), null, String(bad));
  assert.equal(new HostPolicy(['127.0.0.1'], 80).check('127.0.0.1'), '127.0.0.1', 'no port: the default 80');
});
