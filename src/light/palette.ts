/**
 * The colour mapping for lights: from a (smoothed) valence/arousal point and the audio level to
 * a lamp colour and a lamp brightness, with named palettes, an arousal brightness law and a
 * silence gate. Configured by the `colour` object of the light configuration
 * ({@link parseColourConfig}); `docs/colour.md` documents the whole mapping with a picture.
 *
 * A lamp has two outputs, kept apart as in {@link LightState}: `rgb`, the colour at full
 * brightness (the palette's hue and saturation, HSV value 1), and `brightness` 0–1. Every
 * palette shares the brightness law, so switching palettes changes the colours and not how
 * strongly the room follows the music's energy.
 *
 * The palettes follow the colour–music literature:
 *
 * - Palmer, Schloss, Xu & Prado-León (2013), "Music–color associations are mediated by emotion",
 *   PNAS 110(22): faster, major-mode (happier, stronger) music was matched with more saturated,
 *   lighter, yellower colours; slower, minor-mode music with desaturated, darker, bluer ones.
 * - Whiteford, Schloss, Helwig & Palmer (2018), "Color, music, and emotion: Bach to the blues",
 *   i-Perception 9(6): across genres, loud, punchy, agitated music went with darker, redder,
 *   more saturated colours; arousal and valence mediated the associations.
 * - Lindborg & Friberg (2015), "Colour association with music is mediated by emotion", PLoS ONE
 *   10(12): e0144013: happy film music was matched with yellow, angry music with large red
 *   patches, sad music with small patches towards dark blue.
 * - Valdez & Mehrabian (1994), "Effects of color on emotions", J. Exp. Psychol. General 123(4):
 *   brightness mainly predicts pleasure, saturation mainly predicts arousal.
 *
 * @module
 */
import { HUE_ANCHORS, circumplexAngle, emotionToHsv, hsvToRgb, type Rgb } from './color.ts';
import { ConfigError, asObject, checkKeys, choiceOption, numberOption } from './sinks/config.ts';

export type PaletteName = 'circumplex' | 'palmer' | 'lindborg' | 'warm' | 'mono';
export const PALETTE_NAMES: readonly PaletteName[] = ['circumplex', 'palmer', 'lindborg', 'warm', 'mono'];

/** One palette: a hue law over the circumplex angle, a saturation law and its share of pleasure in brightness. */
export interface Palette {
  /** One line for the docs and the live view. */
  readonly summary: string;
  /**
   * Hue in degrees, [0, 360), of a point already clamped to [-1, 1]; `fixedHueDegrees` is the
   * user's hue, read by `mono` only.
   */
  hue(valence: number, arousal: number, fixedHueDegrees: number): number;
  /** Saturation, [0, 1], of a point already clamped to [-1, 1]. */
  saturation(valence: number, arousal: number): number;
  /**
   * Share of pleasure (valence) in the brightness law, [0, 1): 0 is brightness from arousal alone;
   * w blends in `w · (valence + 1) / 2` (Valdez & Mehrabian: brightness ↔ pleasure).
   */
  readonly pleasureWeight: number;
}

/** `[θ, hue]` pairs in degrees, θ rising from 0 to 360, hue unwrapped so interpolation never jumps. */
export type HueAnchors = readonly (readonly [number, number])[];

/** Hue, [0, 360), at circumplex angle `thetaDegrees`, interpolated linearly between `anchors`. */
export function hueFromAnchors(anchors: HueAnchors, thetaDegrees: number): number {
  const t = ((thetaDegrees % 360) + 360) % 360;
  for (let i = 1; i < anchors.length; i++) {
    const [t1, h1] = anchors[i];
    if (t <= t1) {
      const [t0, h0] = anchors[i - 1];
      const h = h0 + ((t - t0) / (t1 - t0)) * (h1 - h0);
      return ((h % 360) + 360) % 360;
    }
  }
  return ((anchors[0][1] % 360) + 360) % 360;
}

/** (arousal + 1) / 2: arousal as a 0–1 "energy". */
const energy = (arousal: number): number => (arousal + 1) / 2;
/** Distance from the neutral centre, capped at the unit circle. */
const intensity = (valence: number, arousal: number): number => Math.min(1, Math.hypot(valence, arousal));

/**
 * Palmer et al. (2013) hues: the yellow (happy, fast, major) ↔ blue (sad, slow, minor) axis they
 * found, with red for angry/agitated music (their faces experiment; Whiteford et al. 2018) and a
 * teal between blue and yellow for calm.
 */
export const PALMER_HUE_ANCHORS: HueAnchors = [
  [0, 58], // pleased: yellow
  [45, 50], // happy: yellow
  [90, 32], // lively, strong: orange
  [135, 0], // angry, agitated: red
  [180, -90], // dreary: violet (270°)
  [225, -135], // sad: blue (225°)
  [270, -160], // slow, weak: light blue (200°)
  [315, -200], // calm: teal (160°)
  [360, -302],
];

/**
 * Lindborg & Friberg (2015) hues: happy yellow, angry red, sad dark blue. Their summary reports
 * those three; calm/tender at green to light blue is our placement, between the sad blue and the
 * happy yellow.
 */
export const LINDBORG_HUE_ANCHORS: HueAnchors = [
  [0, 70], // pleased: yellow-green
  [45, 55], // happy: yellow
  [90, 28], // excited: orange
  [135, 0], // angry: red
  [180, -65], // miserable: purple (295°)
  [225, -128], // sad: dark blue (232°)
  [270, -160], // sleepy, tender: light blue (200°)
  [315, -225], // calm: green (135°)
  [360, -290],
];

/**
 * Warm hues for living rooms, amber (≈ 42°) to deep red (≈ 352°), never blue or green: the happy
 * half is amber, excitement orange, anger red (Whiteford et al. 2018: agitated ↔ redder), sadness
 * a deep crimson, calm a soft amber. Not monotonic: the hue goes out to red and back.
 */
export const WARM_HUE_ANCHORS: HueAnchors = [
  [0, 42],
  [45, 38],
  [90, 22],
  [135, 2],
  [180, -6],
  [225, -8],
  [270, 8],
  [315, 30],
  [360, 42],
];

/** The warm palette's centre: a warm white (amber at low saturation), never a cold grey. */
const WARM_CENTRE_HUE = 32;
const WARM_CENTRE_SATURATION = 0.45;
/** Within this distance of the centre the warm hue blends into the centre hue, so it has no jump there. */
const WARM_BLEND_RADIUS = 0.35;

export const PALETTES: Readonly<Record<PaletteName, Palette>> = {
  circumplex: {
    summary: "Russell's circumplex hues of color.ts (yellow happy, red angry, blue sad, teal calm); grey centre",
    // Exactly the offline mapping (emotionToHsv), so lamps and `analyze` output agree.
    hue: (v, a) => emotionToHsv(v, a).h,
    saturation: (v, a) => emotionToHsv(v, a).s,
    pleasureWeight: 0,
  },
  palmer: {
    summary: 'Palmer et al. 2013: happy/fast → saturated, light yellow; sad/slow → desaturated, dark blue',
    hue: (v, a) => hueFromAnchors(PALMER_HUE_ANCHORS, circumplexAngle(v, a)),
    // Slow music is chosen greyer (Palmer et al.), agitated music more saturated (Whiteford et al.).
    saturation: (v, a) => intensity(v, a) ** 0.7 * (0.4 + 0.6 * energy(a)),
    // Lighter colours for happier music: sad is darker than angry at the same arousal.
    pleasureWeight: 0.4,
  },
  lindborg: {
    summary: 'Lindborg & Friberg 2015: happy yellow, angry red, sad dark blue, calm green to light blue',
    hue: (v, a) => hueFromAnchors(LINDBORG_HUE_ANCHORS, circumplexAngle(v, a)),
    saturation: (v, a) => intensity(v, a) ** 0.7 * (0.7 + 0.3 * energy(a)),
    // Sad towards *dark* blue; their patch size (large angry, small sad) is the arousal law.
    pleasureWeight: 0.3,
  },
  warm: {
    summary: 'ambient: amber to deep red only, warm white at the centre (no blue or green)',
    hue: (v, a) => {
      const r = intensity(v, a);
      const h = hueFromAnchors(WARM_HUE_ANCHORS, circumplexAngle(v, a));
      // Unwrap the 350s to negatives so the blend runs through red, not round the wheel.
      const unwrapped = h > 180 ? h - 360 : h;
      const w = Math.min(1, r / WARM_BLEND_RADIUS);
      const blended = WARM_CENTRE_HUE + w * (unwrapped - WARM_CENTRE_HUE);
      return ((blended % 360) + 360) % 360;
    },
    saturation: (v, a) => WARM_CENTRE_SATURATION + (1 - WARM_CENTRE_SATURATION) * intensity(v, a) ** 0.7,
    pleasureWeight: 0.25,
  },
  mono: {
    summary: "one hue of the user's (hueDegrees); emotion moves saturation (arousal) and brightness (pleasure)",
    hue: (_v, _a, fixedHueDegrees) => ((fixedHueDegrees % 360) + 360) % 360,
    // Valdez & Mehrabian: saturation ↔ arousal; the floor keeps calm music coloured, not white.
    saturation: (_v, a) => 0.2 + 0.8 * energy(a),
    // ... and brightness ↔ pleasure, their strongest effect: half the brightness law.
    pleasureWeight: 0.5,
  },
};

/** Options shared by every palette. */
export interface ColourLaws {
  /** Lamp brightness at arousal −1 (and valence −1 where the palette weighs pleasure), 0–1. */
  minBrightness: number;
  /** Lamp brightness at arousal +1 (and valence +1), 0–1. */
  maxBrightness: number;
  /** Exponent on (arousal + 1) / 2; above 1 keeps calm music dim longer, below 1 brightens it sooner. */
  brightnessGamma: number;
  /** The silence gate closes when the newest 0.5 s of input falls below this RMS level, dBFS. */
  gateDb: number;
  /** It opens again only at `gateDb + gateHysteresisDb`, so a level at the threshold does not flicker. */
  gateHysteresisDb: number;
  /** Lamp brightness while the gate is closed, 0–1. */
  silenceBrightness: number;
}

/** The palette; `mono` needs its hue. */
export type PaletteChoice =
  | { palette: Exclude<PaletteName, 'mono'> }
  | {
      palette: 'mono';
      /** The fixed hue, degrees 0–360. */
      hueDegrees: number;
    };

export type ColourOptions = ColourLaws & PaletteChoice;

/**
 * Defaults. The brightness range 0.35–1 with gamma 1 is the HSV value of color.ts, so the default
 * circumplex lamp (rgb × brightness) shows what `analyze` reports. The gate at −55 dBFS is a
 * judgment, not a measurement here: far under the 0.5 s RMS of mastered popular music (tens of
 * dB louder), over digital silence and the hiss of a clean line input; very quiet classical
 * passages or a noisy microphone may want it moved. The 6 dB hysteresis is a doubling of
 * amplitude, meant to be wider than the segment-to-segment jitter of a steady background.
 */
export const DEFAULT_COLOUR_OPTIONS: Readonly<ColourOptions> = {
  palette: 'circumplex',
  minBrightness: 0.35,
  maxBrightness: 1,
  brightnessGamma: 1,
  gateDb: -55,
  gateHysteresisDb: 6,
  silenceBrightness: 0.08,
};

/** What a lamp shows: the colour at full brightness and how bright. */
export interface LightColour {
  rgb: Rgb;
  brightness: number;
}

/** Throws on NaN (it would become black), clamps to [-1, 1]. */
function clampUnit(x: number, name: string): number {
  if (Number.isNaN(x)) throw new RangeError(`${name} is NaN`);
  return Math.min(1, Math.max(-1, x));
}

/**
 * The brightness law: `min + (max − min) · ((1 − w) · ((arousal + 1) / 2) ^ gamma + w · (valence + 1) / 2)`,
 * `w` the palette's {@link Palette.pleasureWeight} (0 for the default circumplex palette, which is
 * then `min + (max − min) · ((arousal + 1) / 2) ^ gamma`). Non-decreasing in arousal and valence,
 * always within [min, max]. Inputs are clamped to [-1, 1]; NaN throws a RangeError.
 */
export function brightnessFor(valence: number, arousal: number, laws: Pick<ColourLaws, 'minBrightness' | 'maxBrightness' | 'brightnessGamma'>, pleasureWeight = 0): number {
  const v = clampUnit(valence, 'valence');
  const a = clampUnit(arousal, 'arousal');
  const w = Math.min(1, Math.max(0, pleasureWeight));
  const level = (1 - w) * energy(a) ** laws.brightnessGamma + w * energy(v);
  return laws.minBrightness + (laws.maxBrightness - laws.minBrightness) * level;
}

/** The palette's fixed hue argument: the user's for mono, unused otherwise. */
const fixedHue = (options: PaletteChoice): number => (options.palette === 'mono' ? options.hueDegrees : 0);

/**
 * The lamp colour and brightness of a (valence, arousal) point under `options` (no gate: see
 * {@link SilenceGate}). Inputs are clamped to [-1, 1]; NaN throws a RangeError.
 */
export function lightColour(valence: number, arousal: number, options: ColourOptions = DEFAULT_COLOUR_OPTIONS): LightColour {
  const v = clampUnit(valence, 'valence');
  const a = clampUnit(arousal, 'arousal');
  const palette = PALETTES[options.palette];
  const h = palette.hue(v, a, fixedHue(options));
  const s = Math.min(1, Math.max(0, palette.saturation(v, a)));
  return { rgb: hsvToRgb({ h, s, v: 1 }), brightness: brightnessFor(v, a, options, palette.pleasureWeight) };
}

/**
 * The point whose colour the silence state borrows: calm (Q4, θ = 315°, the "relaxed" sector).
 * A fixed calm colour rather than the last mood's hue desaturated: a silent room should not
 * keep glowing the red of the last angry chorus, and a fixed state reads at a glance as "paused".
 */
export const CALM_POINT = { valence: 0.5, arousal: -0.5 } as const;

/** What the lamp shows while the gate is closed: the palette's calm colour at `silenceBrightness`. */
export function silenceColour(options: ColourOptions = DEFAULT_COLOUR_OPTIONS): LightColour {
  return { rgb: lightColour(CALM_POINT.valence, CALM_POINT.arousal, options).rgb, brightness: options.silenceBrightness };
}

/**
 * The silence gate with hysteresis in dB: closes (silent) when the level falls below `gateDb`,
 * opens again only when it reaches `gateDb + hysteresisDb`. Starts open, so quiet music at the
 * start of a stream is shown rather than waiting for a loud moment. Fed the RMS level of the
 * newest 0.5 s of input (`latestLevelDb`), not the level of the analysed segment, so the lamp
 * dims when the music stops, not an analysis latency later.
 */
export class SilenceGate {
  #silent = false;

  constructor(
    readonly gateDb: number = DEFAULT_COLOUR_OPTIONS.gateDb,
    readonly hysteresisDb: number = DEFAULT_COLOUR_OPTIONS.gateHysteresisDb,
  ) {
    if (!Number.isFinite(gateDb)) throw new RangeError(`gateDb must be finite, got ${gateDb}`);
    if (!(hysteresisDb >= 0)) throw new RangeError(`hysteresisDb must be ≥ 0, got ${hysteresisDb}`);
  }

  /** Whether the gate is closed now. */
  get silent(): boolean {
    return this.#silent;
  }

  /** Feeds one level (dBFS; −Infinity for digital silence) and returns whether the light shows silence. */
  update(levelDb: number): boolean {
    if (Number.isNaN(levelDb)) throw new RangeError('levelDb is NaN');
    if (this.#silent) {
      if (levelDb >= this.gateDb + this.hysteresisDb) this.#silent = false;
    } else if (levelDb < this.gateDb) {
      this.#silent = true;
    }
    return this.#silent;
  }

  /** Back to open, as at the start of a stream. */
  reset(): void {
    this.#silent = false;
  }
}

const COLOUR_KEYS = ['palette', 'hueDegrees', 'minBrightness', 'maxBrightness', 'brightnessGamma', 'gateDb', 'gateHysteresisDb', 'silenceBrightness'] as const;

/**
 * The `colour` object of the light configuration, checked, with defaults for absent keys
 * ({@link DEFAULT_COLOUR_OPTIONS}); `undefined` (no `colour` key at all) gives the defaults.
 * An unknown key or a bad value throws a {@link ConfigError} naming `where.key`.
 */
export function parseColourConfig(value: unknown, where = 'colour'): ColourOptions {
  if (value === undefined) return { ...DEFAULT_COLOUR_OPTIONS };
  const obj = asObject(value, where);
  checkKeys(obj, COLOUR_KEYS, where);
  const d = DEFAULT_COLOUR_OPTIONS;
  const palette = choiceOption(obj, 'palette', where, PALETTE_NAMES, d.palette);
  const laws: ColourLaws = {
    minBrightness: numberOption(obj, 'minBrightness', where, 0, 1, d.minBrightness),
    maxBrightness: numberOption(obj, 'maxBrightness', where, 0, 1, d.maxBrightness),
    brightnessGamma: numberOption(obj, 'brightnessGamma', where, 0.1, 10, d.brightnessGamma),
    gateDb: numberOption(obj, 'gateDb', where, -120, 0, d.gateDb),
    gateHysteresisDb: numberOption(obj, 'gateHysteresisDb', where, 0, 40, d.gateHysteresisDb),
    silenceBrightness: numberOption(obj, 'silenceBrightness', where, 0, 1, d.silenceBrightness),
  };
  if (laws.minBrightness > laws.maxBrightness) {
    throw new ConfigError(`${where}.minBrightness: must not exceed maxBrightness (${laws.maxBrightness}), got ${laws.minBrightness}`);
  }
  if (palette === 'mono') {
    if (obj.hueDegrees === undefined) throw new ConfigError(`${where}.hueDegrees: required with palette 'mono' (the lamp's hue, degrees 0–360)`);
    return { ...laws, palette, hueDegrees: numberOption(obj, 'hueDegrees', where, 0, 360) };
  }
  // A hue the chosen palette would ignore is a mistake the user should hear about.
  if (obj.hueDegrees !== undefined) throw new ConfigError(`${where}.hueDegrees: only used by palette 'mono' (palette is '${palette}')`);
  return { ...laws, palette };
}
