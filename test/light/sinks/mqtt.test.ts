/**
 * The MQTT sinks against a real mosquitto on a loopback port (test/helpers/mosquitto.ts), with a
 * separate MQTT.js client standing in for the lamp and for Home Assistant: every payload the
 * sinks publish is read back from the broker and checked (fields, ranges, rate, retain flags),
 * and the broker is stopped and started again under them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import pkg from '../../../package.json' with { type: 'json' };
import { quadrantOf } from '../../../src/data/types.ts';
import { emotionToRgb, moodWord, rgbToHex } from '../../../src/light/color.ts';
import { ConfigError } from '../../../src/light/sinks/config.ts';
import {
  HomeAssistantPublisher,
  MqttLightSink,
  mqttLightCommand,
  parseHomeAssistantConfig,
  parseMqttLightConfig,
  restoreCommand,
} from '../../../src/light/sinks/mqtt.ts';
import type { Frame } from '../../../src/light/sinks/sink.ts';
import type { LightState, SinkStatus } from '../../../src/light/types.ts';
import { brokerSkip, Mosquitto } from '../../helpers/mosquitto.ts';

const skip = brokerSkip();

function lightState(valence: number, arousal: number, brightness = 0.8): LightState {
  return { rgb: emotionToRgb(valence, arousal), brightness, valence, arousal, quadrant: quadrantOf(valence, arousal), mood: moodWord(valence, arousal), silent: false, time: 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 10 ms until it holds; fails naming `what` after `ms`. */
async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

interface Received {
  topic: string;
  text: string;
  retain: boolean;
  at: number;
}

/** Sinks and clients still open when a test ends (a failed assertion): closed, so nothing keeps the run alive. */
const open: { close(final: 'keep'): Promise<void> }[] = [];
function opened<T extends { close(final: 'keep'): Promise<void> }>(x: T): T {
  open.push(x);
  return x;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close('keep')));
});

/** A test-side client recording every message on `topics`. */
class Recorder {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, text: payload.toString('utf8'), retain: packet.retain, at: performance.now() }));
  }

  /** `rap`: MQTT 5 retain-as-published, so live messages keep their retain flag. */
  static async open(url: string, topics: string[], options: { rap?: boolean } & IClientOptions = {}): Promise<Recorder> {
    const { rap, ...rest } = options;
    const client = connect(url, { reconnectPeriod: 200, connectTimeout: 3000, ...(rap && { protocolVersion: 5 }), ...rest });
    const recorder = opened(new Recorder(client));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('recorder could not connect in 3 s')), 3000);
      client.once('connect', () => (clearTimeout(timer), resolve()));
    });
    await client.subscribeAsync(topics, { qos: 1, ...(rap && { rap: true }) });
    return recorder;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

function statuses(sink: { onStatus(l: (s: SinkStatus, d: string) => void): void }): { status: SinkStatus; detail: string }[] {
  const seen: { status: SinkStatus; detail: string }[] = [];
  sink.onStatus((status, detail) => seen.push({ status, detail }));
  return seen;
}

/** Smallest gap between consecutive times, ms. */
const minGap = (times: number[]) => Math.min(...times.slice(1).map((t, i) => t - times[i]));
const arrivals = (ms: Received[]) => ms.map((m) => m.at);

/** The light sink with the time of each send, to check the rate where it is kept (arrivals add the broker's jitter). */
class TimedLight extends MqttLightSink {
  readonly sendTimes: number[] = [];
  protected override async send(frame: Frame): Promise<void> {
    this.sendTimes.push(performance.now());
    await super.send(frame);
  }
}

describe('config', () => {
  test('mqtt-light: defaults, the state topic from the command topic, named errors', () => {
    const c = parseMqttLightConfig({ type: 'mqtt-light', url: 'mqtt://127.0.0.1:1883', topic: 'zigbee2mqtt/living-lamp/set' }, 'sinks[0]', { delayMs: 120 });
    assert.deepEqual(c, {
      url: 'mqtt://127.0.0.1:1883',
      topic: 'zigbee2mqtt/living-lamp/set',
      stateTopic: 'zigbee2mqtt/living-lamp',
      maxRate: 2,
      transitionSeconds: 0.5,
      brightnessScale: 255,
      delayMs: 120,
    });
    const d = parseMqttLightConfig({ type: 'mqtt-light', url: 'mqtts://broker.local', topic: 'lamp/cmd', stateTopic: 'lamp/status', maxRate: 4, username: 'u', password: 'p', delayMs: 0 }, 's');
    assert.equal(d.stateTopic, 'lamp/status');
    assert.equal(d.transitionSeconds, 0.25);
    assert.equal(d.username, 'u');
    assert.equal(d.password, 'p');
    assert.equal(parseMqttLightConfig({ type: 'mqtt-light', url: 'mqtt://h', topic: 'lamp/cmd' }, 's').stateTopic, null);
    const bad = (entry: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => parseMqttLightConfig({ type: 'mqtt-light', url: 'mqtt://127.0.0.1:1883', topic: 'z/l/set', ...entry }, 'sinks[2]'), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    bad({ url: 'http://127.0.0.1:1883' }, /^sinks\[2\]\.url: scheme 'http' is not one of mqtt, mqtts, ws, wss/);
    bad({ url: 'not a url' }, /^sinks\[2\]\.url: not a URL/);
    bad({ url: 'mqtt://me:secret@127.0.0.1' }, /^sinks\[2\]\.url: put credentials in 'username'/);
    bad({ url: undefined }, /^sinks\[2\]\.url: required/);
    bad({ topic: 'zigbee2mqtt/#' }, /^sinks\[2\]\.topic: a topic without wildcards/);
    bad({ stateTopic: 'z/+/state' }, /^sinks\[2\]\.stateTopic: a topic without wildcards/);
    bad({ stateTopic: 'z/l/set' }, /^sinks\[2\]\.stateTopic: must differ/);
    bad({ maxRate: 50 }, /^sinks\[2\]\.maxRate: must be a number in 0\.1–20, got 50/);
    bad({ transitionSeconds: -1 }, /^sinks\[2\]\.transitionSeconds:/);
    bad({ brightnessScale: 25.5 }, /^sinks\[2\]\.brightnessScale: must be an integer/);
    bad({ password: 'p' }, /^sinks\[2\]\.password: needs 'username' too/);
    bad({ colour: 'red' }, /^sinks\[2\]: unknown key 'colour'/);
    bad({ type: 'mqtt' }, /^sinks\[2\]\.type: must be 'mqtt-light'/);
  });

  test('home-assistant: defaults and named errors', () => {
    assert.deepEqual(parseHomeAssistantConfig({ type: 'home-assistant', url: 'mqtt://127.0.0.1:1883' }, 'sinks[1]'), {
      url: 'mqtt://127.0.0.1:1883',
      id: 'sentio',
      name: 'Sentio',
      discoveryPrefix: 'homeassistant',
      statusTopic: 'homeassistant/status',
      baseTopic: 'sentio/sentio',
      rate: 2,
      delayMs: 0,
    });
    const c = parseHomeAssistantConfig({ type: 'home-assistant', url: 'ws://10.0.0.2:9001', id: 'living_room', name: 'Sentio living room', discoveryPrefix: 'ha', rate: 1 }, 's', { delayMs: 40 });
    assert.equal(c.baseTopic, 'sentio/living_room');
    assert.equal(c.discoveryPrefix, 'ha');
    assert.equal(c.delayMs, 40);
    const bad = (entry: Record<string, unknown>, pattern: RegExp) =>
      assert.throws(() => parseHomeAssistantConfig({ type: 'home-assistant', url: 'mqtt://127.0.0.1', ...entry }, 'sinks[1]'), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    bad({ url: 'udp://127.0.0.1' }, /^sinks\[1\]\.url: scheme 'udp'/);
    bad({ id: 'living room' }, /^sinks\[1\]\.id: letters, digits/);
    bad({ rate: 0 }, /^sinks\[1\]\.rate: must be a number in 0\.1–10/);
    bad({ discoveryPrefix: 'homeassistant/' }, /^sinks\[1\]\.discoveryPrefix: no trailing/);
    bad({ name: '' }, /^sinks\[1\]\.name: must be a non-empty string/);
    bad({ topic: 'x' }, /^sinks\[1\]: unknown key 'topic'/);
  });
});

describe('payloads', () => {
  test('light command: level split from the colour, OFF when it rounds to black', () => {
    const opts = { brightnessScale: 255, transitionSeconds: 0.5 };
    assert.deepEqual(mqttLightCommand({ rgb: { r: 255, g: 0, b: 0 }, brightness: 0.5 }, opts), { state: 'ON', brightness: 128, color: { r: 255, g: 0, b: 0 }, transition: 0.5 });
    // A colour below full value counts in the level, as `rgb × brightness` shows it on a pixel.
    assert.deepEqual(mqttLightCommand({ rgb: { r: 102, g: 51, b: 0 }, brightness: 1 }, opts), { state: 'ON', brightness: 102, color: { r: 255, g: 128, b: 0 }, transition: 0.5 });
    assert.deepEqual(mqttLightCommand({ rgb: { r: 255, g: 255, b: 255 }, brightness: 1 }, { brightnessScale: 254, transitionSeconds: 0.25 }), { state: 'ON', brightness: 254, color: { r: 255, g: 255, b: 255 }, transition: 0.25 });
    assert.deepEqual(mqttLightCommand({ rgb: { r: 0, g: 0, b: 0 }, brightness: 1 }, opts), { state: 'OFF', transition: 0.5 });
    assert.deepEqual(mqttLightCommand({ rgb: { r: 255, g: 0, b: 0 }, brightness: 0.001 }, opts), { state: 'OFF', transition: 0.5 });
  });

  test('restore command: the colour in the light`s own colour mode', () => {
    assert.deepEqual(restoreCommand({ state: 'ON', brightness: 77, color_mode: 'color_temp', color_temp: 370, color: { x: 0.45, y: 0.41 } }), { state: 'ON', brightness: 77, color_temp: 370 });
    assert.deepEqual(restoreCommand({ state: 'ON', brightness: 200, color_mode: 'xy', color: { x: 0.7, y: 0.3, hue: 0, saturation: 100 } }, 0.5), { state: 'ON', brightness: 200, color: { x: 0.7, y: 0.3 }, transition: 0.5 });
    assert.deepEqual(restoreCommand({ state: 'ON', color_mode: 'hs', color: { h: 120, s: 50 } }), { state: 'ON', color: { h: 120, s: 50 } });
    assert.deepEqual(restoreCommand({ state: 'ON', brightness: 10, color_mode: 'rgb', color: { r: 1, g: 2, b: 3 } }), { state: 'ON', brightness: 10, color: { r: 1, g: 2, b: 3 } });
    assert.deepEqual(restoreCommand({ state: 'OFF', brightness: 10 }), { state: 'OFF' });
  });
});

describe('with a broker', { skip }, () => {
  let broker: Mosquitto;
  before(async () => {
    broker = await Mosquitto.start();
  });
  after(async () => {
    await broker?.stop();
  });

  test('mqtt light: JSON-schema commands at most maxRate, changes only, restore puts back the retained state', async () => {
    const lamp = await Recorder.open(broker.url, ['zigbee2mqtt/lamp/set']);
    // The lamp's state before Sentio, retained as zigbee2mqtt does with `retain: true`.
    const original = { state: 'ON', brightness: 77, color_mode: 'color_temp', color_temp: 370, color: { x: 0.4599, y: 0.4106 }, linkquality: 120 };
    await lamp.client.publishAsync('zigbee2mqtt/lamp', JSON.stringify(original), { qos: 1, retain: true });
    // Like zigbee2mqtt, the lamp reports each new state: those echoes must not become the state to restore.
    lamp.client.on('message', (topic, payload) => {
      const c = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      void lamp.client.publishAsync('zigbee2mqtt/lamp', JSON.stringify({ ...c, color_mode: 'xy', linkquality: 99 }));
    });
    const sink = opened(new TimedLight({ url: broker.url, topic: 'zigbee2mqtt/lamp/set', stateTopic: 'zigbee2mqtt/lamp', maxRate: 2, reconnectMs: 200 }));
    const seen = statuses(sink);
    await sink.start();
    assert.equal(sink.status, 'online');
    assert.equal(sink.name, `mqtt-light mqtt://127.0.0.1:${broker.port} zigbee2mqtt/lamp/set`);
    await waitFor(() => sink.restoreState !== null, 2000, 'the retained lamp state');

    // Estimates at 20 Hz, far above the lamp's 2/s.
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 2600; i++) {
      sink.update(lightState(Math.cos(i / 8), Math.sin(i / 8), 0.3 + 0.6 * ((i % 10) / 10)));
      await sleep(50);
    }
    const busy = lamp.on('zigbee2mqtt/lamp/set');
    assert.ok(busy.length >= 4 && busy.length <= 7, `2.6 s at 2/s sends 5–6 commands, got ${busy.length}`);
    assert.equal(sink.sendTimes.length, busy.length, 'every command sent arrived');
    assert.ok(minGap(sink.sendTimes) >= 499, `commands at most 2/s: smallest gap between sends ${minGap(sink.sendTimes).toFixed(0)} ms`);
    // The first message on a fresh connection takes ~35 ms longer through the broker: arrivals get that much slack.
    assert.ok(minGap(arrivals(busy)) >= 500 - 60, `smallest gap between arrivals ${minGap(arrivals(busy)).toFixed(0)} ms`);
    assert.ok(sink.stats.dropped > 0, 'updates above the rate are dropped');
    for (const m of busy) {
      const c = JSON.parse(m.text) as { state: string; brightness: number; color: { r: number; g: number; b: number }; transition: number };
      assert.deepEqual(Object.keys(c).sort(), ['brightness', 'color', 'state', 'transition']);
      assert.equal(c.state, 'ON');
      assert.ok(Number.isInteger(c.brightness) && c.brightness >= 1 && c.brightness <= 255, `brightness ${c.brightness}`);
      for (const ch of [c.color.r, c.color.g, c.color.b]) assert.ok(Number.isInteger(ch) && ch >= 0 && ch <= 255);
      assert.equal(Math.max(c.color.r, c.color.g, c.color.b), 255, 'colour at full level; brightness carries the level');
      assert.equal(c.transition, 0.5);
      assert.equal(m.retain, false);
    }

    // A colour that holds is sent once (the newest pending change at most), not repeated.
    const held = lightState(-0.6, -0.4, 0.5);
    sink.update(held);
    await sleep(600);
    const before = lamp.on('zigbee2mqtt/lamp/set').length;
    for (let i = 0; i < 20; i++) {
      sink.update(held);
      await sleep(50);
    }
    assert.equal(lamp.on('zigbee2mqtt/lamp/set').length, before, 'an unchanged colour is not sent again');
    const last = JSON.parse(lamp.on('zigbee2mqtt/lamp/set').at(-1)!.text) as Record<string, unknown>;
    assert.deepEqual(last, mqttLightCommand({ rgb: held.rgb, brightness: held.brightness }, { brightnessScale: 255, transitionSeconds: 0.5 }));

    await sink.close('restore');
    await waitFor(() => lamp.on('zigbee2mqtt/lamp/set').length === before + 1, 2000, 'the restore command');
    assert.deepEqual(JSON.parse(lamp.on('zigbee2mqtt/lamp/set').at(-1)!.text), { state: 'ON', brightness: 77, color_temp: 370, transition: 0.5 });
    assert.deepEqual(
      seen.map((s) => s.status),
      ['online', 'closed'],
    );
    await lamp.client.publishAsync('zigbee2mqtt/lamp', '', { qos: 1, retain: true });
    await lamp.close();
  });

  test('mqtt light: final states off, keep, and restore with nothing seen', async () => {
    const lamp = await Recorder.open(broker.url, ['final/+/set']);
    const run = async (name: string, final: 'off' | 'keep' | 'restore') => {
      const warnings: string[] = [];
      const sink = opened(new MqttLightSink({ url: broker.url, topic: `final/${name}/set`, stateTopic: `final/${name}`, warn: (m) => warnings.push(m) }));
      await sink.start();
      sink.update(lightState(0.7, 0.7, 1));
      await waitFor(() => lamp.on(`final/${name}/set`).length === 1, 2000, `the first command to ${name}`);
      await sink.close(final);
      return warnings;
    };
    assert.deepEqual(await run('a', 'off'), []);
    await waitFor(() => lamp.on('final/a/set').length === 2, 2000, 'the off command');
    assert.equal(lamp.on('final/a/set')[1].text, '{"state":"OFF"}');

    assert.deepEqual(await run('b', 'keep'), []);
    const warnings = await run('c', 'restore');
    await waitFor(() => lamp.on('final/c/set').length === 2, 2000, 'the fallback off command');
    assert.equal(lamp.on('final/c/set')[1].text, '{"state":"OFF"}');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /no state seen on final\/c .*nothing to restore; turning the light off/);
    // 'keep' sent nothing more (its sink closed before c even started).
    assert.equal(lamp.on('final/b/set').length, 1);
    await lamp.close();
  });

  test('mqtt light: broker restart takes the sink offline and back online, and commands resume', async () => {
    const lamp = await Recorder.open(broker.url, ['restart/lamp/set']);
    const sink = opened(new MqttLightSink({ url: broker.url, topic: 'restart/lamp/set', stateTopic: null, maxRate: 5, reconnectMs: 200 }));
    const seen = statuses(sink);
    await sink.start();
    sink.update(lightState(0.5, 0.5));
    await waitFor(() => lamp.on('restart/lamp/set').length === 1, 2000, 'a command before the restart');

    await broker.pause();
    await waitFor(() => sink.status === 'offline', 3000, 'the sink to go offline');
    assert.match(seen.find((s) => s.status === 'offline')!.detail, /broker connection|ECONNREFUSED|closed/);
    sink.update(lightState(-0.5, 0.5)); // not sent while offline
    await sleep(300);
    await broker.resume();
    await waitFor(() => sink.status === 'online', 5000, 'the sink to come back online');
    await waitFor(() => lamp.client.connected, 3000, 'the lamp to reconnect');
    await sleep(300); // the lamp's resubscription
    const n = lamp.on('restart/lamp/set').length;
    sink.update(lightState(-0.5, -0.5));
    await waitFor(() => lamp.on('restart/lamp/set').length > n, 2000, 'a command after the restart');
    assert.deepEqual(JSON.parse(lamp.on('restart/lamp/set').at(-1)!.text), mqttLightCommand(lightState(-0.5, -0.5), { brightnessScale: 255, transitionSeconds: 0.2 }));
    await sink.close('keep');
    assert.deepEqual(
      seen.map((s) => s.status),
      ['online', 'offline', 'online', 'closed'],
    );
    await lamp.close();
  });

  test('home assistant: retained discovery and availability, state at the configured rate, re-announce, last will, clean close', async () => {
    class Killable extends HomeAssistantPublisher {
      readonly sendTimes: number[] = [];
      protected override async send(frame: Frame): Promise<void> {
        this.sendTimes.push(performance.now());
        await super.send(frame);
      }
      /** Cuts the TCP connection without a DISCONNECT, as a crash does. */
      dropConnection(): void {
        this.client?.stream.destroy();
      }
    }
    const ha = opened(new Killable({ url: broker.url, id: 'test-sentio', name: 'Sentio test', rate: 2, reconnectMs: 200 }));
    const seen = statuses(ha);
    await ha.start();
    assert.equal(ha.status, 'online');
    const objects = ['valence', 'arousal', 'quadrant', 'mood', 'color', 'brightness'];
    const configTopics = objects.map((o) => `homeassistant/sensor/test-sentio/${o}/config`);

    // A subscriber arriving now gets the configs and `online` from the broker's retained store.
    const late = await Recorder.open(broker.url, ['homeassistant/#', 'sentio/test-sentio/#']);
    await waitFor(() => configTopics.every((t) => late.on(t).length === 1) && late.on('sentio/test-sentio/availability').length === 1, 2000, 'retained discovery');
    const devices = new Set<string>();
    const uniqueIds = new Set<string>();
    for (const [i, topic] of configTopics.entries()) {
      const [m] = late.on(topic);
      assert.equal(m.retain, true, `${topic} is retained`);
      const c = JSON.parse(m.text) as Record<string, unknown> & { device: Record<string, unknown> };
      assert.equal(c.state_topic, 'sentio/test-sentio/state');
      assert.equal(c.value_template, `{{ value_json.${objects[i]} }}`);
      assert.equal(c.availability_topic, 'sentio/test-sentio/availability');
      assert.equal(c.payload_available, 'online');
      assert.equal(c.payload_not_available, 'offline');
      assert.equal(typeof c.name, 'string');
      assert.match(String(c.unique_id), /test-sentio/);
      uniqueIds.add(String(c.unique_id));
      assert.equal(c.device.name, 'Sentio test');
      assert.equal(c.device.manufacturer, 'Sentio');
      assert.equal(typeof c.device.model, 'string');
      assert.equal(c.device.sw_version, pkg.version);
      assert.ok(Array.isArray(c.device.identifiers) && c.device.identifiers.length > 0);
      devices.add(JSON.stringify(c.device));
    }
    assert.equal(uniqueIds.size, objects.length, 'unique ids differ');
    assert.equal(devices.size, 1, 'one device block for all sensors');
    const quadrant = JSON.parse(late.on(configTopics[2])[0].text) as { device_class: string; options: string[] };
    assert.equal(quadrant.device_class, 'enum');
    assert.deepEqual(quadrant.options, ['Q1', 'Q2', 'Q3', 'Q4']);
    const [availability] = late.on('sentio/test-sentio/availability');
    assert.equal(availability.text, 'online');
    assert.equal(availability.retain, true);
    await late.close();

    // State publishes: every field, at most 2/s though estimates come at 10/s.
    const live = await Recorder.open(broker.url, ['homeassistant/#', 'sentio/test-sentio/#'], { rap: true });
    live.messages.length = 0; // the retained ones
    const sent: LightState[] = [];
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < 2100; i++) {
      const s = lightState(0.9 * Math.cos(i / 5), 0.9 * Math.sin(i / 5), 0.5 + 0.04 * i);
      sent.push(s);
      ha.update(s);
      await sleep(100);
    }
    const states = live.on('sentio/test-sentio/state');
    assert.ok(states.length >= 3 && states.length <= 6, `2.1 s at 2/s: 4–5 states, got ${states.length}`);
    assert.ok(minGap(ha.sendTimes) >= 499, `at most 2 states/s: smallest gap between sends ${minGap(ha.sendTimes).toFixed(0)} ms`);
    assert.ok(minGap(arrivals(states)) >= 500 - 60, `smallest gap between arrivals ${minGap(arrivals(states)).toFixed(0)} ms`);
    for (const m of states) {
      const s = JSON.parse(m.text) as { valence: number; arousal: number; quadrant: string; mood: string; color: string; brightness: number; silent: boolean };
      assert.equal(m.retain, false);
      const match = sent.find((x) => Math.abs(x.valence - s.valence) < 0.001 && Math.abs(x.arousal - s.arousal) < 0.001);
      assert.ok(match, `state ${m.text} is one of the estimates`);
      assert.equal(s.quadrant, match.quadrant);
      assert.equal(s.mood, match.mood);
      assert.equal(s.color, rgbToHex(match.rgb));
      assert.equal(s.brightness, Math.round(Math.min(1, match.brightness) * 100));
      assert.equal(s.silent, false);
    }

    // Home Assistant (re)starts: its birth message makes Sentio announce itself again, retained.
    live.messages.length = 0;
    await live.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitFor(() => configTopics.every((t) => live.on(t).length === 1) && live.on('sentio/test-sentio/availability').length === 1, 2000, 're-announced discovery');
    for (const t of configTopics) assert.equal(live.on(t)[0].retain, true, `${t} re-announced retained`);
    assert.equal(live.on('sentio/test-sentio/availability')[0].text, 'online');
    await waitFor(() => live.on('sentio/test-sentio/state').length >= 1, 2000, 'the latest state with the re-announce');

    // A crash (no DISCONNECT): the broker publishes the last will, retained; then Sentio reconnects.
    live.messages.length = 0;
    ha.dropConnection();
    await waitFor(() => live.on('sentio/test-sentio/availability').length >= 1, 3000, 'the last will');
    const will = live.on('sentio/test-sentio/availability')[0];
    assert.equal(will.text, 'offline');
    assert.equal(will.retain, true);
    await waitFor(() => ha.status === 'online' && live.on('sentio/test-sentio/availability').at(-1)?.text === 'online', 5000, 'online again after the reconnect');
    assert.deepEqual(
      seen.map((s) => s.status),
      ['online', 'offline', 'online'],
    );

    // Closing: `offline`, retained, and a clean disconnect.
    live.messages.length = 0;
    await ha.close('off');
    await waitFor(() => live.on('sentio/test-sentio/availability').length >= 1, 2000, 'offline on close');
    assert.deepEqual(
      live.on('sentio/test-sentio/availability').map((m) => [m.text, m.retain]),
      [['offline', true]],
    );
    const after = await Recorder.open(broker.url, ['sentio/test-sentio/availability']);
    await waitFor(() => after.messages.length === 1, 2000, 'the retained availability');
    assert.equal(after.messages[0].text, 'offline');
    await Promise.all([live.close(), after.close()]);
  });

  test('home assistant: after a broker restart (retained store lost) it announces itself again', async () => {
    const ha = opened(new HomeAssistantPublisher({ url: broker.url, id: 'restart', reconnectMs: 200 }));
    await ha.start();
    ha.update(lightState(0.2, 0.6));
    await broker.pause();
    await waitFor(() => ha.status === 'offline', 3000, 'the publisher to go offline');
    await broker.resume();
    await waitFor(() => ha.status === 'online', 5000, 'the publisher to come back online');
    const late = await Recorder.open(broker.url, ['homeassistant/sensor/restart/+/config', 'sentio/restart/#']);
    await waitFor(() => late.messages.filter((m) => m.topic.endsWith('/config')).length === 6, 2000, 'discovery republished after the restart');
    assert.ok(late.messages.every((m) => m.retain));
    assert.equal(late.on('sentio/restart/availability')[0]?.text, 'online');
    ha.update(lightState(-0.7, 0.3));
    await waitFor(() => late.on('sentio/restart/state').length >= 1, 2000, 'state after the restart');
    assert.equal((JSON.parse(late.on('sentio/restart/state').at(-1)!.text) as { quadrant: string }).quadrant, 'Q2');
    await ha.close('keep');
    await late.close();
  });
});

const PASSWD = '/usr/bin/mosquitto_passwd';

describe('with a broker that wants a login', { skip: skip || (!existsSync(PASSWD) && `${PASSWD} not installed`) }, () => {
  let broker: Mosquitto;
  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentio-passwd-'));
    execFileSync(PASSWD, ['-c', '-b', join(dir, 'passwd'), 'sentio', 's3cret']);
    const passwd = await readFile(join(dir, 'passwd'), 'utf8');
    await rm(dir, { recursive: true, force: true });
    // Later lines win in mosquitto.conf: no anonymous logins, this password file.
    broker = await Mosquitto.start({ files: { passwd }, config: (d) => ['allow_anonymous false', `password_file ${join(d, 'passwd')}`] });
  });
  after(async () => {
    await broker?.stop();
  });

  test('username and password reach the broker; a wrong password stays offline with the refusal named', async () => {
    const lamp = await Recorder.open(broker.url, ['auth/lamp/set'], { username: 'sentio', password: 's3cret' });
    const good = opened(new MqttLightSink({ url: broker.url, topic: 'auth/lamp/set', stateTopic: null, username: 'sentio', password: 's3cret' }));
    await good.start();
    assert.equal(good.status, 'online');
    good.update(lightState(0.3, 0.3));
    await waitFor(() => lamp.on('auth/lamp/set').length === 1, 2000, 'a command with credentials');

    const bad = opened(new MqttLightSink({ url: broker.url, topic: 'auth/lamp/set', stateTopic: null, username: 'sentio', password: 'wrong' }));
    const seen = statuses(bad);
    await bad.start();
    assert.equal(bad.status, 'offline');
    assert.match(seen[0].detail, /Not authorized|Bad username or password/i);
    bad.update(lightState(-0.3, 0.3));
    await sleep(400);
    assert.equal(lamp.on('auth/lamp/set').length, 1, 'nothing published without a login');
    await Promise.all([good.close('keep'), bad.close('keep'), lamp.close()]);
  });
});
