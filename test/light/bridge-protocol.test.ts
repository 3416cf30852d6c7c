import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BRIDGE_MAX_MESSAGE_BYTES,
  BRIDGE_POINT_KEYS,
  bridgeSocketUrl,
  parseBridgeInfo,
  pointMessage,
  validatePoint,
  type BridgePoint,
} from '../../src/light/bridge-protocol.ts';

const POINT = { time: 12.5, valence: -0.3125, arousal: 0.75, latestLevelDb: -23.4, silent: false };

test('a point message round-trips through validatePoint, as text and as bytes, keys in protocol order', () => {
  const text = pointMessage(POINT);
  assert.deepEqual(Object.keys(JSON.parse(text)), [...BRIDGE_POINT_KEYS]);
  const expected: BridgePoint = { type: 'point', ...POINT };
  assert.deepEqual(validatePoint(text), { ok: true, point: expected });
  assert.deepEqual(validatePoint(Buffer.from(text)), { ok: true, point: expected });
  assert.deepEqual(validatePoint(new TextEncoder().encode(text).buffer), { ok: true, point: expected });
  // The longest a real point gets (full-precision doubles, negative values) is far under the limit.
  const longest = pointMessage({ time: 86399.99999999999, valence: -0.12345678901234567, arousal: -0.9876543210987654, latestLevelDb: -119.99999999999999, silent: true });
  assert.ok(longest.length < BRIDGE_MAX_MESSAGE_BYTES / 4, `${longest.length} bytes`);
});

test('pointMessage clamps values rounded just out of range and refuses non-finite ones', () => {
  const m = JSON.parse(pointMessage({ time: -1e-12, valence: 1 + 1e-9, arousal: -1 - 1e-9, latestLevelDb: -500, silent: true }));
  assert.deepEqual(m, { type: 'point', time: 0, valence: 1, arousal: -1, latestLevelDb: -200, silent: true });
  for (const key of ['time', 'valence', 'arousal', 'latestLevelDb'] as const) {
    assert.throws(() => pointMessage({ ...POINT, [key]: Number.NaN }), new RegExp(key));
    assert.throws(() => pointMessage({ ...POINT, [key]: Infinity }), RangeError);
  }
});

test('validatePoint refuses each way a message can break the protocol, saying which', () => {
  const bad = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));
  const cases: [unknown, RegExp][] = [
    ['not json', /not JSON/],
    [[1, 2], /not a JSON object/],
    ['null', /not a JSON object/],
    [{ ...POINT }, /unknown message type undefined/],
    [{ type: 'hello', ...POINT }, /unknown message type "hello"/],
    [{ type: 'point', ...POINT, colour: '#fff' }, /unknown key 'colour'/],
    [{ type: 'point', ...POINT, time: -0.5 }, /time must be a finite number ≥ 0/],
    [{ type: 'point', ...POINT, time: '1' }, /time must be/],
    [{ type: 'point', ...POINT, valence: 1.0001 }, /valence must be a finite number in \[-1, 1\], got 1.0001/],
    [{ type: 'point', ...POINT, arousal: -2 }, /arousal must be/],
    [{ type: 'point', ...POINT, arousal: null }, /arousal must be .* got null/],
    [{ type: 'point', ...POINT, latestLevelDb: -200.5 }, /latestLevelDb must be a finite number in \[-200, 20\]/],
    [{ type: 'point', ...POINT, latestLevelDb: 20.5 }, /latestLevelDb/],
    [{ type: 'point', ...POINT, silent: 0 }, /silent must be true or false/],
    [{ type: 'point', time: 1, valence: 0, arousal: 0, latestLevelDb: -20 }, /silent must be/],
    // JSON has no NaN or Infinity: 1e999 is how a non-finite number arrives.
    ['{"type":"point","time":1e999,"valence":0,"arousal":0,"latestLevelDb":-20,"silent":false}', /time must be a finite number/],
  ];
  for (const [message, error] of cases) {
    const r = validatePoint(bad(message));
    assert.equal(r.ok, false, `accepted ${bad(message)}`);
    if (!r.ok) assert.match(r.error, error, bad(message));
  }
});

test('validatePoint: at most 1024 bytes of UTF-8, counted as bytes, not characters', () => {
  const base = pointMessage(POINT);
  // Whitespace is valid JSON: pad a valid message to exactly the limit, then one byte over.
  const atLimit = base.slice(0, -1) + ' '.repeat(BRIDGE_MAX_MESSAGE_BYTES - base.length) + '}';
  assert.equal(Buffer.byteLength(atLimit), BRIDGE_MAX_MESSAGE_BYTES);
  assert.equal(validatePoint(atLimit).ok, true);
  const over = ' ' + atLimit;
  assert.match((validatePoint(over) as { error: string }).error, /1025 bytes exceeds 1024/);
  assert.match((validatePoint(Buffer.from(over)) as { error: string }).error, /1025 bytes exceeds 1024/);
  // 400 'é' are 400 UTF-16 code units but 800 bytes: with the point that passes 1024 bytes.
  const wide = `{"type":"point","pad":"${'é'.repeat(400)}"}`;
  assert.ok(wide.length < BRIDGE_MAX_MESSAGE_BYTES && Buffer.byteLength(wide) <= BRIDGE_MAX_MESSAGE_BYTES);
  const wider = `{"type":"point","pad":"${'é'.repeat(520)}"}`;
  assert.ok(wider.length < BRIDGE_MAX_MESSAGE_BYTES);
  assert.match((validatePoint(wider) as { error: string }).error, /bytes exceeds 1024/);
  assert.match((validatePoint(new Uint8Array([0x7b, 0xff, 0x7d])) as { error: string }).error, /not valid UTF-8/);
});

test('validatePoint: time may repeat but not go back on one connection', () => {
  const at = (time: number) => pointMessage({ ...POINT, time });
  assert.equal(validatePoint(at(3), 2.5).ok, true);
  assert.equal(validatePoint(at(3), 3).ok, true);
  assert.equal(validatePoint(at(0), null).ok, true);
  const back = validatePoint(at(2.5), 3);
  assert.equal(back.ok, false);
  if (!back.ok) assert.match(back.error, /time 2.5 is before the previous point's 3 \(a new stream needs a new connection\)/);
});

test('parseBridgeInfo gives the token only for {"bridge": true, "token": "…"}', () => {
  assert.equal(parseBridgeInfo({ bridge: true, token: 'abc123' }), 'abc123');
  for (const body of [{ bridge: false }, { bridge: true }, { bridge: true, token: '' }, { bridge: 'yes', token: 'x' }, { bridge: true, token: 5 }, null, [], 'bridge']) {
    assert.equal(parseBridgeInfo(body), null, JSON.stringify(body));
  }
});

test('bridgeSocketUrl: ws for http, wss for https, the token escaped', () => {
  assert.equal(bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, 'a b&c'), 'ws://127.0.0.1:8080/bridge?token=a%20b%26c');
  assert.equal(bridgeSocketUrl({ protocol: 'https:', host: 'sentio.local:8443' }, 'x'), 'wss://sentio.local:8443/bridge?token=x');
});
