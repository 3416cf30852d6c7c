import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';

test('lights test: flashes a reachable strip white, reports an unreachable one, exit 1', async () => {
  const receiver = createSocket('udp4');
  const packets: Buffer[] = [];
  receiver.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  // A port nobody listens on: bound and closed again, so the kernel answers "port unreachable".
  const gone = createSocket('udp4');
  await new Promise<void>((resolve) => gone.bind(0, '127.0.0.1', resolve));
  const deadPort = gone.address().port;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
  try {
    const ok = await runCli('lights', 'test', '--wled', `127.0.0.1:${receiver.address().port}`, '--pixels', '5', '--seconds', '0.5');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^wled-ddp 127\.0\.0\.1:\d+: online, flashed white \(\d+ frames\), left 'restore'\n$/);
    const white = packets.filter((p) => p.length === 10 + 15 && p.subarray(10).every((b) => b === 255));
    assert.ok(white.length >= 5, `${white.length} white frames`);

    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const wsPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const mixed = await runCli('lights', 'test', '--wled', `127.0.0.1:${deadPort}`, '--websocket', String(wsPort), '--seconds', '0.3');
    assert.equal(mixed.code, 1);
    assert.match(mixed.stdout, new RegExp(`wled-ddp 127\\.0\\.0\\.1:${deadPort}: offline \\(.*ECONNREFUSED.*\\)`));
    assert.match(mixed.stdout, /websocket .*: online/);

    const none = await runCli('lights', 'test');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no lights configured/);
  } finally {
    receiver.close();
  }
});
