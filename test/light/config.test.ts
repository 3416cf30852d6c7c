import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { buildLightSetup, parseLightConfig, SINK_TYPES, sinkEntriesFromFlags } from '../../src/light/config.ts';
import { ConfigError } from '../../src/light/sinks/config.ts';

test('docs/lights.example.json is a valid config with one entry of every sink type', async () => {
  const config = parseLightConfig(JSON.parse(await readFile('docs/lights.example.json', 'utf8')), 'lights.example.json');
  assert.deepEqual([...new Set(config.sinks.map((s) => s.type))].sort(), [...SINK_TYPES].sort());
  assert.equal(config.final, 'restore');
  const { sinks } = buildLightSetup(config);
  assert.equal(sinks.length, config.sinks.length);
  for (const sink of sinks) {
    assert.equal(sink.status, 'connecting', `${sink.name} starts nothing until start()`);
    assert.match(sink.name, /\S+ \S+/);
  }
});

test('defaults, the top-level delay reaching every sink, and errors naming the place and key', () => {
  const c = parseLightConfig({ delayMs: 250, sinks: [{ type: 'websocket', port: 9000 }, { type: 'wled-ddp', host: '10.0.0.2', pixels: 8, delayMs: 0 }] }, 'lights.json');
  assert.equal((c.sinks[0].options as { delayMs: number }).delayMs, 250);
  assert.equal((c.sinks[1].options as { delayMs: number }).delayMs, 0, "an entry's own delay wins");
  assert.equal(c.colour.palette, 'circumplex');
  assert.equal(c.smoothing.timeConstantSeconds, 1);
  const refused: [unknown, RegExp][] = [
    [{ sinks: {} }, /lights\.json\.sinks: must be a list/],
    [{ delayMs: -1 }, /lights\.json\.delayMs: must be a number in 0–10000/],
    [{ colour: { palette: 'neon' } }, /colour\.palette: must be one of/],
    [{ smoothing: { tau: 1 } }, /smoothing: unknown key 'tau'/],
    [{ sinks: [{ type: 'mqtt-light', url: 'http://x', topic: 'a/set' }] }, /sinks\[0\]\.url: scheme 'http'/],
    [{ sinks: [{ type: 'hue', bridge: '10.0.0.3', user: 'u', lights: [] }] }, /sinks\[0\]/],
    [{ sinks: [{ type: 'home-assistant', url: 'mqtt://10.0.0.4', id: 'has space' }] }, /sinks\[0\]\.id/],
  ];
  for (const [json, message] of refused) assert.throws(() => parseLightConfig(json, 'lights.json'), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(json));
});

test('flags become the same entries a config file has', () => {
  assert.deepEqual(sinkEntriesFromFlags({ wled: '10.0.0.2:4049', pixels: '60', websocket: '9001', homeAssistant: 'mqtt://127.0.0.1:1883', mqttLight: 'mqtt://127.0.0.1', mqttTopic: 'z2m/lamp/set' }), [
    { type: 'wled-ddp', host: '10.0.0.2', port: 4049, pixels: 60 },
    { type: 'websocket', host: '127.0.0.1', port: 9001 },
    { type: 'home-assistant', url: 'mqtt://127.0.0.1:1883' },
    { type: 'mqtt-light', url: 'mqtt://127.0.0.1', topic: 'z2m/lamp/set' },
  ]);
  assert.deepEqual(sinkEntriesFromFlags({ wled: '[::1]' }), [{ type: 'wled-ddp', host: '::1', pixels: 30 }]);
  assert.throws(() => sinkEntriesFromFlags({ pixels: '10' }), /--pixels: goes with --wled/);
  assert.throws(() => sinkEntriesFromFlags({ mqttLight: 'mqtt://x' }), /needs --mqtt-topic/);
});

test('isIpAddress (browser-safe) agrees with node:net on addresses and near-misses', async () => {
  const { isIP } = await import('node:net');
  const { isIpAddress } = await import('../../src/light/sinks/config.ts');
  for (const v of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', '::1', 'fe80::1', '2001:db8::1:2', '::ffff:1.2.3.4', '1::2::3', 'gg::1', ':::', 'lamp.local', '']) {
    assert.equal(isIpAddress(v), isIP(v) !== 0, v);
  }
});
