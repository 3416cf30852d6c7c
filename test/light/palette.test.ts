import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emotionToHsv, emotionToRgb, hueForAngle, rgbToHsv, HUE_ANCHORS, type Rgb } from '../../src/light/color.ts';
import {
  CALM_POINT,
  DEFAULT_COLOUR_OPTIONS,
  PALETTE_NAMES,
  SilenceGate,
  brightnessFor,
  hueFromAnchors,
  lightColour,
  parseColourConfig,
  silenceColour,
  type ColourOptions,
  type PaletteName,
} from '../../src/light/palette.ts';
import { ConfigError } from '../../src/light/sinks/config.ts';

const options = (palette: PaletteName, extra: Partial<ColourOptions> = {}): ColourOptions =>
  (palette === 'mono' ? { ...DEFAULT_COLOUR_OPTIONS, hueDegrees: 30, ...extra, palette } : { ...DEFAULT_COLOUR_OPTIONS, ...extra, palette }) as ColourOptions;

/** Hue (degrees) of the lamp colour, measured on its RGB. */
const hueOf = (v: number, a: number, o: ColourOptions): number => rgbToHsv(lightColour(v, a, o).rgb).h;
const satOf = (v: number, a: number, o: ColourOptions): number => rgbToHsv(lightColour(v, a, o).rgb).s;
const brightOf = (v: number, a: number, o: ColourOptions): number => lightColour(v, a, o).brightness;

/** Whether hue h is within [from, to], going up from `from` (wrapping through 360 when from > to). */
function hueIn(h: number, from: number, to: number): boolean {
  return (h - from + 360) % 360 <= (to - from + 360) % 360;
}

const hueDistance = (a: number, b: number): number => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

const HAPPY = [0.7, 0.7] as const;
const ANGRY = [-0.7, 0.7] as const;
const SAD = [-0.7, -0.7] as const;
const CALM = [0.7, -0.7] as const;

function* grid(step = 0.1): Generator<[number, number]> {
  for (let v = -1; v <= 1.0001; v += step) for (let a = -1; a <= 1.0001; a += step) yield [v, a];
}

test('circumplex is the mapping of color.ts: same hue and saturation, brightness its HSV value at the defaults', () => {
  const o = options('circumplex');
  for (const [v, a] of grid()) {
    const ref = emotionToHsv(v, a);
    const got = lightColour(v, a, o);
    const hsv = rgbToHsv(got.rgb);
    assert.equal(hsv.v, 1, 'rgb is the full-brightness colour');
    assert.ok(Math.abs(hsv.s - ref.s) < 0.01, `saturation at (${v}, ${a})`);
    if (ref.s > 0.1) assert.ok(hueDistance(hsv.h, ref.h) < 1.5, `hue at (${v}, ${a}): ${hsv.h} vs ${ref.h}`);
    assert.ok(Math.abs(got.brightness - ref.v) < 1e-12, `brightness at (${v}, ${a})`);
    // The lamp, rgb × brightness, shows what `analyze` prints.
    const shown: Rgb = { r: got.rgb.r * got.brightness, g: got.rgb.g * got.brightness, b: got.rgb.b * got.brightness };
    const offline = emotionToRgb(v, a);
    for (const k of ['r', 'g', 'b'] as const) assert.ok(Math.abs(shown[k] - offline[k]) <= 1.5, `${k} at (${v}, ${a})`);
  }
});

test('hueFromAnchors with the circumplex anchors is hueForAngle', () => {
  for (let t = 0; t <= 360; t += 7.5) assert.ok(Math.abs(hueFromAnchors(HUE_ANCHORS, t) - hueForAngle(t)) < 1e-9, `θ = ${t}`);
});

test('circumplex anchors: happy yellow-orange, angry red, sad blue and darker, calm green/teal', () => {
  const o = options('circumplex');
  assert.ok(hueIn(hueOf(...HAPPY, o), 30, 60));
  assert.ok(hueIn(hueOf(...ANGRY, o), 350, 10));
  assert.ok(hueIn(hueOf(...SAD, o), 215, 255));
  assert.ok(hueIn(hueOf(...CALM, o), 140, 185));
  assert.ok(brightOf(...SAD, o) < brightOf(...HAPPY, o));
});

test('palmer (Palmer et al. 2013): happy saturated, light, yellow; sad desaturated, dark, blue; angry red and darker than happy', () => {
  const o = options('palmer');
  assert.ok(hueIn(hueOf(...HAPPY, o), 45, 65), `happy hue ${hueOf(...HAPPY, o)}`);
  assert.ok(hueIn(hueOf(...SAD, o), 200, 250), `sad hue ${hueOf(...SAD, o)}`);
  assert.ok(hueIn(hueOf(...ANGRY, o), 350, 10));
  assert.ok(satOf(...HAPPY, o) > 0.85 && satOf(...SAD, o) < 0.6, 'happy saturated, sad greyish');
  assert.ok(brightOf(...SAD, o) < brightOf(...HAPPY, o) - 0.3);
  // Same arousal, lower valence: darker (Palmer's lightness; Whiteford et al. 2018: agitated ↔ darker).
  assert.ok(brightOf(...ANGRY, o) < brightOf(...HAPPY, o));
  // Yellower than the circumplex mapping at the happy anchor.
  assert.ok(hueDistance(hueOf(...HAPPY, o), 60) < hueDistance(hueOf(...HAPPY, options('circumplex')), 60));
  // Faster (higher arousal) music more saturated at every valence.
  for (const v of [-0.6, 0, 0.6]) assert.ok(satOf(v, 0.8, o) > satOf(v, -0.8, o), `valence ${v}`);
});

test('lindborg (Lindborg & Friberg 2015): happy yellow, angry red, sad dark blue, calm green to light blue', () => {
  const o = options('lindborg');
  assert.ok(hueIn(hueOf(...HAPPY, o), 45, 65), `happy hue ${hueOf(...HAPPY, o)}`);
  assert.ok(hueIn(hueOf(...ANGRY, o), 350, 10));
  assert.ok(hueIn(hueOf(...SAD, o), 215, 245), `sad hue ${hueOf(...SAD, o)}`);
  assert.ok(hueIn(hueOf(...CALM, o), 100, 210), `calm hue ${hueOf(...CALM, o)}`);
  assert.ok(brightOf(...SAD, o) < brightOf(...HAPPY, o) - 0.3, 'sad is dark');
  assert.ok(brightOf(...SAD, o) < brightOf(...CALM, o), 'sad darker than calm at the same arousal');
});

test('warm: amber to deep red only, never blue or green, warm white at the centre', () => {
  const o = options('warm');
  for (const [v, a] of grid(0.05)) {
    const { rgb } = lightColour(v, a, o);
    const h = rgbToHsv(rgb).h;
    assert.ok(hueIn(h, 345, 50), `hue ${h} at (${v.toFixed(2)}, ${a.toFixed(2)})`);
    assert.ok(rgb.r >= rgb.g && rgb.r >= rgb.b, `red leads at (${v.toFixed(2)}, ${a.toFixed(2)}): ${JSON.stringify(rgb)}`);
  }
  assert.ok(satOf(0, 0, o) >= 0.4, 'the centre is tinted, not a cold white');
  assert.ok(hueIn(hueOf(...HAPPY, o), 30, 50), 'happy amber');
  assert.ok(hueIn(hueOf(...ANGRY, o), 350, 10), 'angry red');
  // No jump at the centre: tiny points in any direction all have about the centre's hue.
  for (let t = 0; t < 360; t += 30) {
    const p = [0.01 * Math.cos((t * Math.PI) / 180), 0.01 * Math.sin((t * Math.PI) / 180)] as const;
    assert.ok(hueDistance(hueOf(...p, o), hueOf(0, 0, o)) < 3, `θ = ${t}`);
  }
});

test('mono: the user hue everywhere; saturation follows arousal, brightness also pleasure', () => {
  for (const hueDegrees of [30, 200, 300]) {
    const o = options('mono', { hueDegrees } as Partial<ColourOptions>);
    for (const [v, a] of grid(0.25)) assert.ok(hueDistance(hueOf(v, a, o), hueDegrees) < 1.5, `hue at (${v}, ${a}) for ${hueDegrees}`);
    assert.ok(satOf(0, 0.9, o) > satOf(0, -0.9, o) + 0.5, 'saturation ↔ arousal (Valdez & Mehrabian)');
    assert.ok(brightOf(0.9, 0, o) > brightOf(-0.9, 0, o) + 0.25, 'brightness ↔ pleasure (Valdez & Mehrabian)');
  }
});

test('every palette: hue continuous round the circle at any radius', () => {
  for (const name of PALETTE_NAMES) {
    const o = options(name);
    for (const r of [0.4, 0.8, 1]) {
      let prev = hueOf(r, 0, o);
      for (let t = 1; t <= 360; t += 1) {
        const rad = (t * Math.PI) / 180;
        const h = hueOf(r * Math.cos(rad), r * Math.sin(rad), o);
        assert.ok(hueDistance(h, prev) <= 4, `${name}: jump of ${hueDistance(h, prev).toFixed(1)}° at θ = ${t}, r = ${r}`);
        prev = h;
      }
    }
  }
});

test('brightness law: within [min, max], increasing in arousal, min + (max − min)·((a+1)/2)^gamma', () => {
  const laws = { minBrightness: 0.1, maxBrightness: 0.9, brightnessGamma: 2 };
  for (const name of PALETTE_NAMES) {
    const o = options(name, laws);
    for (const v of [-1, -0.5, 0, 0.5, 1]) {
      let prev = -Infinity;
      for (let a = -1; a <= 1.0001; a += 0.05) {
        const b = brightOf(v, a, o);
        assert.ok(b >= 0.1 - 1e-12 && b <= 0.9 + 1e-12, `${name}: ${b} at (${v}, ${a})`);
        assert.ok(b > prev, `${name}: not increasing at (${v}, ${a.toFixed(2)})`);
        prev = b;
      }
    }
    assert.ok(Math.abs(brightOf(-1, -1, o) - 0.1) < 1e-12, `${name} reaches min`);
    assert.ok(Math.abs(brightOf(1, 1, o) - 0.9) < 1e-12, `${name} reaches max`);
  }
  // The arousal-only law of the default palette, exactly.
  for (const a of [-1, -0.5, 0, 0.3, 1]) assert.ok(Math.abs(brightOf(0.4, a, options('circumplex', laws)) - (0.1 + 0.8 * ((a + 1) / 2) ** 2)) < 1e-12);
  assert.equal(brightnessFor(0, 0, { minBrightness: 0.2, maxBrightness: 0.6, brightnessGamma: 1 }), 0.4);
  // Gamma above 1 keeps the middle darker.
  assert.ok(brightOf(0, 0, options('circumplex', { brightnessGamma: 2 })) < brightOf(0, 0, options('circumplex', { brightnessGamma: 1 })));
});

test('inputs are clamped and NaN throws', () => {
  assert.deepEqual(lightColour(4, -9, options('palmer')), lightColour(1, -1, options('palmer')));
  assert.throws(() => lightColour(Number.NaN, 0), RangeError);
  assert.throws(() => brightnessFor(0, Number.NaN, DEFAULT_COLOUR_OPTIONS), RangeError);
});

test('silence colour: the palette calm colour at silenceBrightness', () => {
  for (const name of PALETTE_NAMES) {
    const o = options(name, { silenceBrightness: 0.05 });
    const s = silenceColour(o);
    assert.equal(s.brightness, 0.05);
    assert.deepEqual(s.rgb, lightColour(CALM_POINT.valence, CALM_POINT.arousal, o).rgb);
  }
  assert.ok(hueIn(rgbToHsv(silenceColour(options('circumplex')).rgb).h, 140, 185), 'circumplex calm is teal');
  assert.equal(silenceColour().brightness, 0.08);
});

test('silence gate: closes under gateDb, opens only gateHysteresisDb above it, no flicker at the threshold', () => {
  const gate = new SilenceGate(-55, 6);
  assert.equal(gate.silent, false, 'starts open');
  assert.equal(gate.update(-53), false, 'above the gate: open');
  assert.equal(gate.update(-57), true, 'below: closed');
  // Hovering ±3 dB around the gate: stays closed.
  const hovering = [-53, -56, -52, -57, -54, -55.5, -50, -56, -49.5, -54];
  for (const level of hovering) assert.equal(gate.update(level), true, `level ${level}`);
  assert.equal(gate.update(-49), false, 'gate + 6 dB opens');
  for (const level of hovering.filter((l) => l >= -55)) assert.equal(gate.update(level), false, `open at ${level}`);
  assert.equal(gate.update(-Infinity), true, 'digital silence closes');
  assert.throws(() => gate.update(Number.NaN), RangeError);

  // The same hovering sequence through a gate without hysteresis flips repeatedly: the band is what stops it.
  const count = (g: SilenceGate): number => {
    let flips = 0;
    let prev = g.update(-40);
    for (const level of [...hovering, ...hovering]) {
      const now = g.update(level);
      if (now !== prev) flips++;
      prev = now;
    }
    return flips;
  };
  assert.ok(count(new SilenceGate(-55, 0)) >= 6);
  assert.equal(count(new SilenceGate(-55, 6)), 1);
});

test('parseColourConfig: defaults, valid values, and errors naming the key', () => {
  assert.deepEqual(parseColourConfig(undefined), DEFAULT_COLOUR_OPTIONS);
  assert.deepEqual(parseColourConfig({}), DEFAULT_COLOUR_OPTIONS);
  assert.deepEqual(parseColourConfig({ palette: 'mono', hueDegrees: 200, minBrightness: 0.1, maxBrightness: 0.8, brightnessGamma: 1.5, gateDb: -60, gateHysteresisDb: 3, silenceBrightness: 0 }), {
    palette: 'mono',
    hueDegrees: 200,
    minBrightness: 0.1,
    maxBrightness: 0.8,
    brightnessGamma: 1.5,
    gateDb: -60,
    gateHysteresisDb: 3,
    silenceBrightness: 0,
  });
  assert.equal(parseColourConfig({ palette: 'warm' }).palette, 'warm');
  const bad: [unknown, RegExp][] = [
    [{ colour: 'red' }, /^colour: unknown key 'colour'/],
    [{ palette: 'rainbow' }, /^colour\.palette: must be one of circumplex, palmer, lindborg, warm, mono, got "rainbow"/],
    [{ minBrightness: 1.5 }, /^colour\.minBrightness: must be a number in 0–1/],
    [{ maxBrightness: -0.1 }, /^colour\.maxBrightness:/],
    [{ minBrightness: 0.7, maxBrightness: 0.5 }, /^colour\.minBrightness: must not exceed maxBrightness/],
    [{ brightnessGamma: 0 }, /^colour\.brightnessGamma:/],
    [{ gateDb: 3 }, /^colour\.gateDb: must be a number in -120–0/],
    [{ gateDb: '-55' }, /^colour\.gateDb:/],
    [{ gateHysteresisDb: -1 }, /^colour\.gateHysteresisDb:/],
    [{ silenceBrightness: 2 }, /^colour\.silenceBrightness:/],
    [{ palette: 'mono' }, /^colour\.hueDegrees: required with palette 'mono'/],
    [{ palette: 'mono', hueDegrees: 400 }, /^colour\.hueDegrees: must be a number in 0–360/],
    [{ hueDegrees: 30 }, /^colour\.hueDegrees: only used by palette 'mono'/],
    [[1, 2], /^colour: must be an object/],
    [null, /^colour: must be an object/],
  ];
  for (const [value, message] of bad) assert.throws(() => parseColourConfig(value), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(value));
  assert.throws(() => parseColourConfig({ gateDb: 1 }, 'lights.colour'), /^ConfigError: lights\.colour\.gateDb:/);
});
