/**
 * A picture of one analysis (`sentio analyze --plot`): the trajectory on Russell's circumplex on top,
 * valence and arousal against time below, as a PNG drawn in pure JavaScript with pureimage and the
 * DejaVu Sans TrueType faces of the dejavu-fonts-ttf package (no native module, no system fonts).
 *
 * pureimage gives the bitmap, the fonts (registered and loaded through it), text measurement and
 * the PNG encoder. Its own strokes and fills are antialiased only across, it has no dashes,
 * gradients or shadows, its mitred joins spike on sharp turns and its text leaves specks; so lines,
 * dots, rings, boxes, dashes, colour ramps, the soft shadow and the glyph outlines are filled here
 * instead, with antialiased coverage ({@link Raster}), straight into the same bitmap.
 *
 * The drawing is laid out in fixed logical units ({@link PLOT_WIDTH} × {@link PLOT_HEIGHT}) and scaled
 * as a whole by `options.scale`, so proportions never drift and tests can find things by
 * coordinates ({@link plotLayout}, {@link circumplexPoint}, {@link timelinePoint}).
 */
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import * as PImage from 'pureimage';
import type { AnalysisResult, EmotionPoint } from './types.ts';
import { emotionToRgb, hexToRgb, moodWord, rgbToHex, type Rgb } from '../light/color.ts';
import { formatDuration } from './format.ts';
import { isAllSilent, SILENT_MOOD, silentPoints } from './silence.ts';

export const PLOT_WIDTH = 900;
export const PLOT_HEIGHT = 1100;

export interface PlotOptions {
  /** Pixels per logical unit (2 for a sharp image on high-DPI screens). Default 1: 900 × 1100 px. */
  scale?: number;
  /**
   * Font family list (CSS-like, comma-separated): the first family registered with pureimage's
   * `registerFont` is used, for bold text too. Default, and fallback when none is registered: the
   * bundled DejaVu Sans ({@link defaultFontFamily}) with its bold face.
   */
  fontFamily?: string;
  /** Title; default: the file's base name. */
  title?: string;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Where things are, in logical units. */
export interface PlotLayout {
  width: number;
  height: number;
  /** The unit circle of the circumplex: centre and radius (valence 1 ↦ cx + r). */
  circumplex: { cx: number; cy: number; r: number };
  /** The colour bar mapping time to trajectory colour. */
  timeBar: Box;
  /** The strip of light colours over time (aligned with the timeline's time axis). */
  ribbon: Box;
  /** The plot area of the timelines (value 1 at top, -1 at bottom; time 0 at left, duration at right). */
  timeline: Box;
}

/** The fixed layout of the plot, in logical units. */
export function plotLayout(): PlotLayout {
  return {
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    circumplex: { cx: 450, cy: 385, r: 245 },
    timeBar: { left: 300, top: 688, right: 600, bottom: 700 },
    ribbon: { left: 90, top: 748, right: 860, bottom: 764 },
    timeline: { left: 90, top: 800, right: 860, bottom: 1030 },
  };
}

/** Logical coordinates of a (valence, arousal) point on the circumplex panel. */
export function circumplexPoint(valence: number, arousal: number, layout: PlotLayout = plotLayout()): { x: number; y: number } {
  const { cx, cy, r } = layout.circumplex;
  return { x: cx + valence * r, y: cy - arousal * r };
}

/** Logical coordinates of a (time, value) point on the timeline panel of a song `duration` seconds long. */
export function timelinePoint(time: number, value: number, duration: number, layout: PlotLayout = plotLayout()): { x: number; y: number } {
  const b = layout.timeline;
  const span = duration > 0 ? duration : 1;
  return { x: b.left + (time / span) * (b.right - b.left), y: b.top + ((1 - value) / 2) * (b.bottom - b.top) };
}

/** Line colours of the timelines: Okabe–Ito vermillion and blue, which colour-blind readers tell apart. */
export const TIMELINE_COLORS = { valence: '#d55e00', arousal: '#0072b2' } as const;

/**
 * Viridis stops (matplotlib's perceptually uniform map) up to 0.85: beyond, its yellows vanish on
 * the pale background. Time runs from dark purple (start) to yellow-green (end).
 */
const TIME_STOPS: readonly Rgb[] = [
  { r: 68, g: 1, b: 84 },
  { r: 72, g: 36, b: 117 },
  { r: 65, g: 68, b: 135 },
  { r: 53, g: 95, b: 141 },
  { r: 42, g: 120, b: 142 },
  { r: 33, g: 145, b: 140 },
  { r: 34, g: 168, b: 132 },
  { r: 68, g: 191, b: 112 },
  { r: 122, g: 209, b: 81 },
  { r: 155, g: 216, b: 60 },
];

/** Trajectory colour at relative time `t` in [0, 1] (clamped). */
export function timeColor(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (TIME_STOPS.length - 1);
  const i = Math.min(TIME_STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = TIME_STOPS[i];
  const b = TIME_STOPS[i + 1];
  return { r: Math.round(a.r + f * (b.r - a.r)), g: Math.round(a.g + f * (b.g - a.g)), b: Math.round(a.b + f * (b.b - a.b)) };
}

const rgb = (hex: string): Rgb => {
  const c = hexToRgb(hex);
  if (!c) throw new Error(`not a colour: ${hex}`);
  return c;
};

const BACKGROUND = '#fbfbfd';
const INK = '#1f2430';
const MUTED = '#6b7280';
const GRID = '#d9dce3';
const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const BLACK: Rgb = { r: 0, g: 0, b: 0 };
/** How much of the mood colour tints the circumplex field (the rest is the background). */
const FIELD_TINT = 0.3;

// ---------------------------------------------------------------------------------------------
// Fonts

/** One step of a glyph outline, as opentype.js (pureimage's font loader) gives it. */
interface PathCommand {
  type: string;
  x?: number;
  y?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

/** The part of an opentype.js font used here. */
interface OutlineFont {
  getPath(text: string, x: number, y: number, fontSize: number, options?: { kerning?: boolean }): { commands: PathCommand[] };
}

/** A face: the family name it is registered with in pureimage, and its loaded outlines. */
interface Face {
  family: string;
  outlines: OutlineFont;
}

interface Fonts {
  regular: Face;
  bold: Face;
}

/** The bundled faces, as registered with pureimage. */
const FONT = 'DejaVu Sans';
const FONT_BOLD = 'DejaVu Sans Bold';

let bundled: Fonts | null = null;

/** Registers and loads the bundled DejaVu Sans (regular and bold) with pureimage, once. */
function bundledFonts(): Fonts {
  if (!bundled) {
    const require = createRequire(import.meta.url);
    const regular = PImage.registerFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), FONT).loadSync();
    const bold = PImage.registerFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'), FONT_BOLD, 700).loadSync();
    bundled = { regular: { family: FONT, outlines: regular.font as OutlineFont }, bold: { family: FONT_BOLD, outlines: bold.font as OutlineFont } };
  }
  return bundled;
}

/**
 * The font family the plot draws with by default: DejaVu Sans from the dejavu-fonts-ttf package,
 * registered with pureimage on first use (bold text uses its bold face), so no system font is needed.
 */
export function defaultFontFamily(): string {
  return bundledFonts().regular.family;
}

/** The faces for `family` (see {@link PlotOptions.fontFamily}). */
function chooseFonts(family: string | undefined): Fonts {
  const fallback = bundledFonts();
  for (const part of (family ?? '').split(',')) {
    const name = part.trim().replace(/^(["'])(.*)\1$/, '$2');
    if (name === FONT) return fallback;
    const registered = name ? PImage.debug_list_of_fonts[name] : undefined;
    if (!registered) continue;
    try {
      const face = { family: name, outlines: registered.loadSync().font as OutlineFont };
      return { regular: face, bold: face };
    } catch {
      // An unreadable font file: try the next name.
    }
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------------
// Drawing

const clamp01 = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x);

const mix = (a: Rgb, b: Rgb, t: number): Rgb => ({ r: a.r + t * (b.r - a.r), g: a.g + t * (b.g - a.g), b: a.b + t * (b.b - a.b) });

/** Signed distance (negative inside) from (x, y) to a box with rounded corners of radius `radius`. */
function boxDistance(left: number, top: number, right: number, bottom: number, radius: number, x: number, y: number): number {
  const qx = Math.abs(x - (left + right) / 2) - ((right - left) / 2 - radius);
  const qy = Math.abs(y - (top + bottom) / 2) - ((bottom - top) / 2 - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Complementary error function (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? y : 2 - y;
}

/** Rows sampled per pixel when filling outlines (across, coverage is exact). */
const OUTLINE_SAMPLES = 5;

interface SegmentStyle {
  /** 'round' (default) or 'butt' ends. */
  cap?: 'round' | 'butt';
  /** Colours at the start and the end of the segment, for a shape painted with per-pixel colours. */
  colours?: readonly [Rgb, Rgb];
}

/**
 * Antialiased shapes on an opaque RGBA bitmap, in logical units. Shapes are first gathered into a
 * coverage mask (a pixel keeps the largest coverage of any of them, so a polyline's joins and a
 * dashed line's dashes never double up), then {@link paint} blends the mask once in one colour at
 * one opacity, or in the per-pixel colours the shapes gave.
 */
class Raster {
  readonly width: number;
  readonly height: number;
  private readonly data: Uint8Array;
  private readonly cover: Float32Array;
  private colour: Float32Array | null = null;
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;
  /** Shapes are cut (antialiased) to this box while set. */
  clip: Box | null = null;

  constructor(
    bitmap: PImage.Bitmap,
    readonly scale: number,
  ) {
    this.width = bitmap.width;
    this.height = bitmap.height;
    this.data = bitmap.data;
    this.cover = new Float32Array(this.width * this.height);
  }

  /**
   * Adds a shape to the mask: `distance(x, y)` is its signed distance in logical units (negative
   * inside), non-negative coverage only within the logical bounding box given.
   */
  private add(left: number, top: number, right: number, bottom: number, distance: (x: number, y: number) => number, colour?: (x: number, y: number) => Rgb): this {
    const s = this.scale;
    const c = this.clip;
    if (c) {
      left = Math.max(left, c.left);
      top = Math.max(top, c.top);
      right = Math.min(right, c.right);
      bottom = Math.min(bottom, c.bottom);
    }
    const px0 = Math.max(0, Math.floor(left * s) - 1);
    const py0 = Math.max(0, Math.floor(top * s) - 1);
    const px1 = Math.min(this.width, Math.ceil(right * s) + 1);
    const py1 = Math.min(this.height, Math.ceil(bottom * s) + 1);
    if (px0 >= px1 || py0 >= py1) return this;
    if (colour && !this.colour) this.colour = new Float32Array(3 * this.width * this.height);
    for (let py = py0; py < py1; py++) {
      const y = (py + 0.5) / s;
      for (let px = px0; px < px1; px++) {
        const x = (px + 0.5) / s;
        let d = distance(x, y);
        if (c) d = Math.max(d, boxDistance(c.left, c.top, c.right, c.bottom, 0, x, y));
        const k = clamp01(0.5 - d * s);
        const i = py * this.width + px;
        if (k <= this.cover[i]) continue;
        this.cover[i] = k;
        if (colour) {
          const rgb = colour(x, y);
          this.colour![3 * i] = rgb.r;
          this.colour![3 * i + 1] = rgb.g;
          this.colour![3 * i + 2] = rgb.b;
        }
      }
    }
    this.x0 = Math.min(this.x0, px0);
    this.y0 = Math.min(this.y0, py0);
    this.x1 = Math.max(this.x1, px1);
    this.y1 = Math.max(this.y1, py1);
    return this;
  }

  /**
   * Blends the mask into the bitmap in `colour` (or, when null, the per-pixel colours the shapes
   * gave) at opacity `alpha`, and clears it.
   */
  paint(colour: Rgb | string | null, alpha = 1): void {
    const solid = typeof colour === 'string' ? rgb(colour) : colour;
    const { data, cover, width } = this;
    for (let py = this.y0; py < this.y1; py++) {
      for (let px = this.x0; px < this.x1; px++) {
        const i = py * width + px;
        const k = cover[i];
        if (k === 0) continue;
        cover[i] = 0;
        const a = k * alpha;
        const r = solid ? solid.r : this.colour![3 * i];
        const g = solid ? solid.g : this.colour![3 * i + 1];
        const b = solid ? solid.b : this.colour![3 * i + 2];
        const o = 4 * i;
        data[o] = Math.round(data[o] + a * (r - data[o]));
        data[o + 1] = Math.round(data[o + 1] + a * (g - data[o + 1]));
        data[o + 2] = Math.round(data[o + 2] + a * (b - data[o + 2]));
        data[o + 3] = 255;
      }
    }
    this.x0 = this.y0 = Infinity;
    this.x1 = this.y1 = -Infinity;
  }

  /** A straight stroke `width` wide from (ax, ay) to (bx, by). */
  segment(ax: number, ay: number, bx: number, by: number, width: number, style: SegmentStyle = {}): this {
    const hw = width / 2;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const len = Math.sqrt(len2);
    const along = (x: number, y: number): number => (len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0);
    const colours = style.colours;
    const colour = colours ? (x: number, y: number) => mix(colours[0], colours[1], clamp01(along(x, y))) : undefined;
    const pad = hw + 1;
    const box = [Math.min(ax, bx) - pad, Math.min(ay, by) - pad, Math.max(ax, bx) + pad, Math.max(ay, by) + pad] as const;
    if (style.cap === 'butt') {
      if (len === 0) return this;
      return this.add(...box, (x, y) => {
        const u = ((x - ax) * dx + (y - ay) * dy) / len;
        const v = Math.abs((x - ax) * dy - (y - ay) * dx) / len;
        return Math.max(v - hw, Math.abs(u - len / 2) - len / 2);
      }, colour);
    }
    return this.add(...box, (x, y) => {
      const t = clamp01(along(x, y));
      return Math.hypot(x - ax - t * dx, y - ay - t * dy) - hw;
    }, colour);
  }

  /** Round-capped, round-joined strokes through `points`. */
  polyline(points: readonly { x: number; y: number }[], width: number): this {
    if (points.length === 1) return this.disc(points[0].x, points[0].y, width / 2);
    for (let i = 1; i < points.length; i++) this.segment(points[i - 1].x, points[i - 1].y, points[i].x, points[i].y, width);
    return this;
  }

  /** A dashed straight stroke: dashes `on` long, gaps `off` long, butt ends. */
  dashedLine(ax: number, ay: number, bx: number, by: number, width: number, on: number, off: number): this {
    const len = Math.hypot(bx - ax, by - ay);
    if (len === 0) return this;
    const ux = (bx - ax) / len;
    const uy = (by - ay) / len;
    for (let u = 0; u < len; u += on + off) {
      const e = Math.min(len, u + on);
      this.segment(ax + u * ux, ay + u * uy, ax + e * ux, ay + e * uy, width, { cap: 'butt' });
    }
    return this;
  }

  /** A dashed circle: about `on` long dashes and `off` long gaps, a whole number of them round. */
  dashedCircle(cx: number, cy: number, r: number, width: number, on: number, off: number): this {
    const n = Math.max(1, Math.round((2 * Math.PI * r) / (on + off)));
    const period = (2 * Math.PI) / n;
    const dash = (period * on) / (on + off);
    for (let i = 0; i < n; i++) {
      // Each dash is short enough that its chord is the arc, to a hundredth of a unit.
      const a = i * period;
      this.segment(cx + r * Math.cos(a), cy + r * Math.sin(a), cx + r * Math.cos(a + dash), cy + r * Math.sin(a + dash), width, { cap: 'butt' });
    }
    return this;
  }

  /** A filled disc. */
  disc(cx: number, cy: number, radius: number): this {
    return this.add(cx - radius, cy - radius, cx + radius, cy + radius, (x, y) => Math.hypot(x - cx, y - cy) - radius);
  }

  /** A circle stroked `width` wide. */
  ring(cx: number, cy: number, radius: number, width: number): this {
    const o = radius + width / 2;
    return this.add(cx - o, cy - o, cx + o, cy + o, (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2);
  }

  /** A filled box with corners rounded to `radius`, optionally coloured per pixel. */
  box(left: number, top: number, w: number, h: number, radius = 0, colour?: (x: number, y: number) => Rgb): this {
    return this.add(left, top, left + w, top + h, (x, y) => boxDistance(left, top, left + w, top + h, radius, x, y), colour);
  }

  /** The outline of a box (corners rounded to `radius`), stroked `width` wide on its edge. */
  boxOutline(left: number, top: number, w: number, h: number, width: number, radius = 0): this {
    const p = width / 2;
    return this.add(left - p, top - p, left + w + p, top + h + p, (x, y) => Math.abs(boxDistance(left, top, left + w, top + h, radius, x, y)) - p);
  }

  /** A soft shadow of a disc: the disc blurred as a Gaussian of deviation `sigma` (canvas shadowBlur / 2). */
  discShadow(cx: number, cy: number, radius: number, sigma: number): this {
    const o = radius + 4 * sigma;
    // Coverage c maps back to a distance: add() takes coverage as 0.5 − d·scale.
    return this.add(cx - o, cy - o, cx + o, cy + o, (x, y) => (0.5 - 0.5 * erfc((Math.hypot(x - cx, y - cy) - radius) / (sigma * Math.SQRT2))) / this.scale);
  }

  /**
   * Adds a filled outline (glyph path commands in logical units, non-zero winding) to the mask,
   * each pixel covered exactly across and at {@link OUTLINE_SAMPLES} rows down, offset by (dx, dy).
   */
  outline(commands: readonly PathCommand[], dx = 0, dy = 0): this {
    const s = this.scale;
    const edges: number[] = [];
    let sx = 0;
    let sy = 0;
    let cx = 0;
    let cy = 0;
    const to = (x: number, y: number): void => {
      if (y !== cy) edges.push(cx, cy, x, y);
      cx = x;
      cy = y;
    };
    const X = (x: number | undefined): number => ((x ?? 0) + dx) * s;
    const Y = (y: number | undefined): number => ((y ?? 0) + dy) * s;
    const pieces = (...d: number[]): number => {
      let len = 0;
      for (let i = 2; i < d.length; i += 2) len += Math.hypot(d[i] - d[i - 2], d[i + 1] - d[i - 1]);
      return Math.min(16, Math.max(2, Math.ceil(len / 3)));
    };
    for (const c of commands) {
      if (c.type === 'M') {
        to(sx, sy);
        cx = sx = X(c.x);
        cy = sy = Y(c.y);
      } else if (c.type === 'L') {
        to(X(c.x), Y(c.y));
      } else if (c.type === 'Q') {
        const [x0, y0, x1, y1, x2, y2] = [cx, cy, X(c.x1), Y(c.y1), X(c.x), Y(c.y)];
        const n = pieces(x0, y0, x1, y1, x2, y2);
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          to(u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2);
        }
      } else if (c.type === 'C') {
        const [x0, y0, x1, y1, x2, y2, x3, y3] = [cx, cy, X(c.x1), Y(c.y1), X(c.x2), Y(c.y2), X(c.x), Y(c.y)];
        const n = pieces(x0, y0, x1, y1, x2, y2, x3, y3);
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          to(u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3, u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3);
        }
      } else if (c.type === 'Z') {
        to(sx, sy);
      }
    }
    to(sx, sy);
    if (edges.length === 0) return this;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < edges.length; i += 2) {
      minX = Math.min(minX, edges[i]);
      maxX = Math.max(maxX, edges[i]);
      minY = Math.min(minY, edges[i + 1]);
      maxY = Math.max(maxY, edges[i + 1]);
    }
    const px0 = Math.max(0, Math.floor(minX));
    const px1 = Math.min(this.width, Math.ceil(maxX) + 1);
    const py0 = Math.max(0, Math.floor(minY));
    const py1 = Math.min(this.height, Math.ceil(maxY) + 1);
    if (px0 >= px1 || py0 >= py1) return this;
    const acc = new Float32Array(px1 - px0);
    const crossings: { x: number; w: number }[] = [];
    for (let py = py0; py < py1; py++) {
      acc.fill(0);
      for (let k = 0; k < OUTLINE_SAMPLES; k++) {
        const y = py + (k + 0.5) / OUTLINE_SAMPLES;
        crossings.length = 0;
        for (let i = 0; i < edges.length; i += 4) {
          const [x0, y0, x1, y1] = [edges[i], edges[i + 1], edges[i + 2], edges[i + 3]];
          if ((y0 <= y && y1 > y) || (y1 <= y && y0 > y)) crossings.push({ x: x0 + ((y - y0) / (y1 - y0)) * (x1 - x0), w: y1 > y0 ? 1 : -1 });
        }
        crossings.sort((a, b) => a.x - b.x);
        let winding = 0;
        for (let i = 0; i < crossings.length - 1; i++) {
          winding += crossings[i].w;
          if (winding === 0) continue;
          // Covered from crossings[i] to crossings[i + 1]: add each pixel's share of the span.
          const a = Math.max(px0, crossings[i].x);
          const b = Math.min(px1, crossings[i + 1].x);
          for (let px = Math.floor(a); px < b; px++) {
            const w = Math.min(b, px + 1) - Math.max(a, px);
            if (w > 0) acc[px - px0] += w / OUTLINE_SAMPLES;
          }
        }
      }
      for (let px = px0; px < px1; px++) {
        const k = Math.min(1, acc[px - px0]);
        const i = py * this.width + px;
        if (k > this.cover[i]) this.cover[i] = k;
      }
    }
    this.x0 = Math.min(this.x0, px0);
    this.y0 = Math.min(this.y0, py0);
    this.x1 = Math.max(this.x1, px1);
    this.y1 = Math.max(this.y1, py1);
    return this;
  }

  /** Fills a whole device-pixel rectangle in an opaque colour, no antialiasing. */
  fillPixels(px0: number, py0: number, px1: number, py1: number, colour: Rgb): void {
    for (let py = Math.max(0, py0); py < Math.min(this.height, py1); py++) {
      for (let px = Math.max(0, px0); px < Math.min(this.width, px1); px++) {
        const o = 4 * (py * this.width + px);
        this.data[o] = colour.r;
        this.data[o + 1] = colour.g;
        this.data[o + 2] = colour.b;
        this.data[o + 3] = 255;
      }
    }
  }

  /** Blends `colour` at opacity `alpha` into device pixel (px, py). */
  blendPixel(px: number, py: number, colour: Rgb, alpha: number): void {
    const o = 4 * (py * this.width + px);
    this.data[o] = Math.round(this.data[o] + alpha * (colour.r - this.data[o]));
    this.data[o + 1] = Math.round(this.data[o + 1] + alpha * (colour.g - this.data[o + 1]));
    this.data[o + 2] = Math.round(this.data[o + 2] + alpha * (colour.b - this.data[o + 2]));
    this.data[o + 3] = 255;
  }
}

type TextAlign = 'left' | 'right' | 'center';
type TextBaseline = 'top' | 'middle' | 'alphabetic' | 'bottom';

interface TextStyle {
  size: number;
  bold?: boolean;
  colour?: string;
  align?: TextAlign;
  baseline?: TextBaseline;
}

/**
 * Shapes ({@link Raster}) and text on one bitmap. Text is placed with pureimage's context
 * (`font`, `measureText`: advance width and the face's ascender and descender) and its glyph
 * outlines, from the font pureimage loaded, are filled by {@link Raster.outline}: pureimage's own
 * `fillText` antialiases only across and leaves specks under round bottoms (“+0.5” read “+0,5”).
 */
class Painter {
  readonly shapes: Raster;

  constructor(
    private readonly ctx: PImage.Context,
    private readonly fonts: Fonts,
    bitmap: PImage.Bitmap,
    scale: number,
  ) {
    this.shapes = new Raster(bitmap, scale);
  }

  private face(size: number, bold = false): Face {
    const face = bold ? this.fonts.bold : this.fonts.regular;
    // pureimage reads "<size> <family>" (no weight): the bold face is a family of its own.
    this.ctx.font = `${size}px ${face.family}`;
    return face;
  }

  /** Width of `text` in logical units. */
  measure(text: string, size: number, bold = false): number {
    this.face(size, bold);
    return this.ctx.measureText(text).width;
  }

  /** Adds the outline of `text` to the shape mask, placed as a canvas would with `style`, shifted by (dx, dy). */
  private outline(text: string, x: number, y: number, style: TextStyle, dx = 0, dy = 0): void {
    const face = this.face(style.size, style.bold);
    const m = this.ctx.measureText(text);
    const align = style.align ?? 'left';
    const baseline = style.baseline ?? 'alphabetic';
    if (align === 'right') x -= m.width;
    else if (align === 'center') x -= m.width / 2;
    // pureimage's placement: the ascender's top at y ('top'), the descender's bottom at y ('bottom').
    if (baseline === 'top') y += m.emHeightAscent;
    else if (baseline === 'middle') y += (m.emHeightAscent + m.emHeightDescent) / 2;
    else if (baseline === 'bottom') y += m.emHeightDescent;
    // Without kerning, so that the width is the one measureText gave.
    this.shapes.outline(face.outlines.getPath(text, x, y, style.size, { kerning: false }).commands, dx, dy);
  }

  text(text: string, x: number, y: number, style: TextStyle): void {
    this.outline(text, x, y, style);
    this.shapes.paint(style.colour ?? INK);
  }

  /** Text on a white halo about `halo` units wide, legible over anything. */
  haloText(text: string, x: number, y: number, style: TextStyle, halo = 2): void {
    for (let i = 0; i < 16; i++) {
      const a = (i / 16) * 2 * Math.PI;
      this.outline(text, x, y, style, halo * Math.cos(a), halo * Math.sin(a));
    }
    this.shapes.paint(WHITE, 0.9);
    this.text(text, x, y, style);
  }

  /** `text` cut with an ellipsis to fit `maxWidth` at the given size. */
  fit(text: string, maxWidth: number, size: number, bold = false): string {
    if (this.measure(text, size, bold) <= maxWidth) return text;
    const chars = [...text];
    while (chars.length > 1 && this.measure(chars.join('') + '…', size, bold) > maxWidth) chars.pop();
    return chars.join('') + '…';
  }
}

const finitePoint = (p: EmotionPoint): boolean => Number.isFinite(p.time) && Number.isFinite(p.valence) && Number.isFinite(p.arousal);

/** Signed number for labels, with a real minus sign. */
const signed = (x: number, digits = 2): string => (x < 0 ? '−' : '+') + Math.abs(x).toFixed(digits);

/** A "nice" tick step (1, 2 or 5 × 10^k) giving at most `maxTicks` intervals over `span`. */
export function niceStep(span: number, maxTicks = 10): number {
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** The mood colour field inside the unit circle, tinted towards the background, pixel by pixel. */
function drawField(p: Painter, layout: PlotLayout): void {
  const { cx, cy, r } = layout.circumplex;
  const raster = p.shapes;
  const s = raster.scale;
  const bg = rgb(BACKGROUND);
  const px0 = Math.max(0, Math.floor((cx - r) * s));
  const py0 = Math.max(0, Math.floor((cy - r) * s));
  const px1 = Math.min(raster.width, Math.ceil((cx + r) * s));
  const py1 = Math.min(raster.height, Math.ceil((cy + r) * s));
  for (let py = py0; py < py1; py++) {
    const a = (cy - (py + 0.5) / s) / r;
    for (let px = px0; px < px1; px++) {
      const v = ((px + 0.5) / s - cx) / r;
      // Antialiased edge: coverage falls from 1 to 0 over one pixel at the rim.
      const cover = clamp01((1 - Math.hypot(v, a)) * r * s + 0.5);
      if (cover <= 0) continue;
      const c = emotionToRgb(v, a);
      raster.blendPixel(px, py, { r: bg.r + FIELD_TINT * (c.r - bg.r), g: bg.g + FIELD_TINT * (c.g - bg.g), b: bg.b + FIELD_TINT * (c.b - bg.b) }, cover);
    }
  }
}

/** Circle outline, axes, ticks, pole names and quadrant names of the circumplex. */
function drawCircumplexFrame(p: Painter, layout: PlotLayout): void {
  const { cx, cy, r } = layout.circumplex;
  const ink = rgb(INK);
  // Rings at 0.5 (dashed) and 1.
  p.shapes.dashedCircle(cx, cy, r / 2, 1, 4, 5).paint(ink, 0.18);
  p.shapes.ring(cx, cy, r, 1.5).paint(ink, 0.45);
  // Axes, a little past the circle, with ticks at ±0.5 and ±1.
  p.shapes.segment(cx - r - 14, cy, cx + r + 14, cy, 1, { cap: 'butt' }).segment(cx, cy - r - 14, cx, cy + r + 14, 1, { cap: 'butt' });
  for (const t of [-1, -0.5, 0.5, 1]) {
    const { x } = circumplexPoint(t, 0, layout);
    const { y } = circumplexPoint(0, t, layout);
    p.shapes.segment(x, cy - 4, x, cy + 4, 1, { cap: 'butt' }).segment(cx - 4, y, cx + 4, y, 1, { cap: 'butt' });
  }
  p.shapes.paint(ink, 0.35);
  // Only ±0.5 are labelled (the circle itself is 1).
  for (const t of [-0.5, 0.5]) {
    const { x } = circumplexPoint(t, 0, layout);
    const { y } = circumplexPoint(0, t, layout);
    const label = t > 0 ? `+${t}` : `−${-t}`;
    p.text(label, x, cy + 7, { size: 11, colour: MUTED, align: 'center', baseline: 'top' });
    p.text(label, cx + 7, y, { size: 11, colour: MUTED, align: 'left', baseline: 'middle' });
  }
  // Pole names.
  const pole = { size: 13, bold: true, colour: INK } as const;
  p.text('positive', cx + r + 20, cy - 8, { ...pole, align: 'left', baseline: 'middle' });
  p.text('negative', cx - r - 20, cy - 8, { ...pole, align: 'right', baseline: 'middle' });
  p.text('energetic', cx, cy - r - 18, { ...pole, align: 'center', baseline: 'bottom' });
  const energeticWidth = p.measure('energetic', pole.size, true);
  p.text('calm', cx, cy + r + 18, { ...pole, align: 'center', baseline: 'top' });
  const axis = { size: 12, colour: MUTED } as const;
  p.text('valence →', cx + r + 20, cy + 10, { ...axis, align: 'left', baseline: 'middle' });
  p.text('valence', cx - r - 20, cy + 10, { ...axis, align: 'right', baseline: 'middle' });
  p.text('arousal ↑', cx - energeticWidth / 2 - 12, cy - r - 18, { ...axis, align: 'right', baseline: 'bottom' });
  // Quadrant names in the corners of the square around the circle, in each quadrant's own colour.
  const d = r * 0.98;
  const quadrants: { label: string; sub: string; v: number; a: number; align: TextAlign }[] = [
    { label: 'Q1', sub: 'happy / excited', v: 1, a: 1, align: 'right' },
    { label: 'Q2', sub: 'angry / tense', v: -1, a: 1, align: 'left' },
    { label: 'Q3', sub: 'sad / depressed', v: -1, a: -1, align: 'left' },
    { label: 'Q4', sub: 'calm / relaxed', v: 1, a: -1, align: 'right' },
  ];
  for (const q of quadrants) {
    const x = cx + q.v * d;
    const y = cy - q.a * d;
    const colour = emotionToRgb(0.6 * q.v, 0.6 * q.a);
    // Darkened so that even the yellow of Q1 reads on the pale field.
    const dark = rgbToHex({ r: Math.round(colour.r * 0.6), g: Math.round(colour.g * 0.6), b: Math.round(colour.b * 0.6) });
    const baseline = q.a > 0 ? 'top' : 'bottom';
    p.text(q.label, x, q.a > 0 ? y : y - 18, { size: 16, bold: true, colour: dark, align: q.align, baseline });
    p.text(q.sub, x, q.a > 0 ? y + 20 : y, { size: 13, colour: dark, align: q.align, baseline });
  }
}

/** Segments and dots of the trajectory, coloured by time, with start and end markers. */
function drawTrajectory(p: Painter, points: EmotionPoint[], duration: number, layout: PlotLayout): void {
  if (points.length === 0) return;
  const rel = (t: number): number => (duration > 0 ? t / duration : 0);
  const at = points.map((q) => circumplexPoint(q.valence, q.arousal, layout));
  // A soft white halo under the path keeps it legible over the tinted field.
  p.shapes.polyline(at, 5).paint(WHITE, 0.7);
  // Each segment shades from the colour of its start to that of its end.
  for (let i = 1; i < points.length; i++) {
    const colours = [timeColor(rel(points[i - 1].time)), timeColor(rel(points[i].time))] as const;
    p.shapes.segment(at[i - 1].x, at[i - 1].y, at[i].x, at[i].y, 2.2, { colours });
  }
  p.shapes.paint(null, 0.9);
  const dot = points.length > 400 ? 1.8 : points.length > 150 ? 2.4 : 3.2;
  points.forEach((q, i) => p.shapes.disc(at[i].x, at[i].y, dot).paint(timeColor(rel(q.time))));
  const last = at[at.length - 1];
  startMarker(p, at[0].x, at[0].y);
  endMarker(p, last.x, last.y, timeColor(rel(points[points.length - 1].time)));
}

/** Start: a hollow ring in the start colour. */
function startMarker(p: Painter, x: number, y: number): void {
  p.shapes.disc(x, y, 6.5).paint(WHITE);
  p.shapes.ring(x, y, 6.5, 2.5).paint(timeColor(0));
}

/** End: a square in the end colour with a white edge. */
function endMarker(p: Painter, x: number, y: number, colour: Rgb): void {
  p.shapes.box(x - 6, y - 6, 12, 12).paint(colour);
  p.shapes.boxOutline(x - 6, y - 6, 12, 12, 1.5).paint(WHITE);
  p.shapes.boxOutline(x - 7, y - 7, 14, 14, 1).paint(INK);
}

/** The song-level point: a large disc in the song's colour with a dark ring, labelled with its mood. */
function drawSongPoint(p: Painter, result: AnalysisResult, colour: Rgb, layout: PlotLayout): void {
  const s = result.summary;
  if (!Number.isFinite(s.valence) || !Number.isFinite(s.arousal) || isAllSilent(result)) return;
  const v = Math.max(-1, Math.min(1, s.valence));
  const a = Math.max(-1, Math.min(1, s.arousal));
  const { x, y } = circumplexPoint(v, a, layout);
  p.shapes.discShadow(x, y, 12, 3).paint(BLACK, 0.35);
  p.shapes.disc(x, y, 12).paint(colour);
  p.shapes.ring(x, y, 12, 2.5).paint(WHITE);
  p.shapes.ring(x, y, 14, 1.5).paint(INK);
  // Label on the side facing the centre's opposite, so it stays inside the panel.
  const right = v > 0.55;
  p.haloText(`song: ${moodWord(v, a)}`, right ? x - 20 : x + 20, y, { size: 13, bold: true, colour: INK, align: right ? 'right' : 'left', baseline: 'middle' });
}

/** The colour bar for time under the circumplex, with start/end markers and times at both ends. */
function drawTimeBar(p: Painter, duration: number, layout: PlotLayout): void {
  const b = layout.timeBar;
  const w = b.right - b.left;
  p.shapes.box(b.left, b.top, w, b.bottom - b.top, 6, (x) => timeColor((x - b.left) / w)).paint(null);
  const mid = (b.top + b.bottom) / 2;
  startMarker(p, b.left - 18, mid);
  endMarker(p, b.right + 18, mid, timeColor(1));
  const style = { size: 12, colour: MUTED, baseline: 'middle' } as const;
  p.text('start 0:00', b.left - 32, mid, { ...style, align: 'right' });
  p.text(`${formatDuration(duration)} end`, b.right + 32, mid, { ...style, align: 'left' });
  p.text('trajectory colour = time', (b.left + b.right) / 2, b.bottom + 6, { ...style, align: 'center', baseline: 'top' });
}

/** The strip of light colours: each 0.5 s segment in the colour the lights would show. */
function drawRibbon(p: Painter, points: EmotionPoint[], hop: number, duration: number, layout: PlotLayout): void {
  const b = layout.ribbon;
  const raster = p.shapes;
  const s = raster.scale;
  const py0 = Math.round(b.top * s);
  const py1 = Math.round(b.bottom * s);
  raster.fillPixels(Math.round(b.left * s), py0, Math.round(b.right * s), py1, rgb('#eceef2'));
  // Whole device columns, each in the colour of the segment over its centre: no seams.
  for (const q of points) {
    const x0 = timelinePoint(q.time, 0, duration, layout).x;
    const x1 = timelinePoint(Math.min(duration > 0 ? duration : q.time + hop, q.time + hop), 0, duration, layout).x;
    const from = Math.max(Math.round(b.left * s), Math.round(x0 * s));
    const to = Math.min(Math.round(b.right * s), Math.max(from + 1, Math.round(x1 * s)));
    raster.fillPixels(from, py0, to, py1, emotionToRgb(q.valence, q.arousal));
  }
  p.text('light', b.left - 10, (b.top + b.bottom) / 2, { size: 12, bold: true, colour: INK, align: 'right', baseline: 'middle' });
}

/** Grid, axes, the two timelines, song-level dashed lines and the legend. */
function drawTimelines(p: Painter, result: AnalysisResult, points: EmotionPoint[], layout: PlotLayout): void {
  const b = layout.timeline;
  const duration = result.duration;
  const hop = result.hopSeconds > 0 ? result.hopSeconds : 0.5;
  const P = (t: number, v: number) => timelinePoint(t, v, duration, layout);
  const ink = rgb(INK);
  const grid = rgb(GRID);
  p.shapes.box(b.left, b.top, b.right - b.left, b.bottom - b.top).paint(WHITE);
  // Silent stretches shaded, under the grid.
  for (const r of result.silence ?? []) {
    const x0 = P(r.start, 0).x;
    p.shapes.box(x0, b.top, Math.max(1, P(r.end, 0).x - x0), b.bottom - b.top).paint(grid, 0.6);
  }
  // Horizontal grid at −1, −0.5, 0, 0.5, 1; the zero line stronger.
  for (const v of [-1, -0.5, 0, 0.5, 1]) {
    const y = P(0, v).y;
    if (Math.abs(v) === 0.5) p.shapes.dashedLine(b.left, y, b.right, y, 1, 3, 4).paint(grid);
    else p.shapes.segment(b.left, y, b.right, y, 1, { cap: 'butt' }).paint(v === 0 ? ink : grid, v === 0 ? 0.45 : 1);
    p.text(v === 0 ? '0' : signed(v, Math.abs(v) === 1 ? 0 : 1), b.left - 8, y, { size: 11, colour: MUTED, align: 'right', baseline: 'middle' });
  }
  // Vertical grid and time labels.
  const span = duration > 0 ? duration : 1;
  const step = niceStep(span, 12);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const x = P(t, 0).x;
    p.shapes.segment(x, b.top, x, b.bottom, 1, { cap: 'butt' }).paint(grid);
    p.text(String(+t.toFixed(3)), x, b.bottom + 6, { size: 11, colour: MUTED, align: 'center', baseline: 'top' });
  }
  p.text('time (s)', (b.left + b.right) / 2, b.bottom + 24, { size: 12, colour: INK, align: 'center', baseline: 'top' });
  p.shapes.boxOutline(b.left, b.top, b.right - b.left, b.bottom - b.top, 1).paint(ink, 0.45);
  // Clip the data to the plot area: values slightly outside [-1, 1] must not spill over the labels.
  p.shapes.clip = b;
  // Silent stretches: the lines break there (their points are not in `points`).
  const runs: EmotionPoint[][] = [];
  for (const [i, q] of points.entries()) {
    if (i === 0 || q.time - points[i - 1].time > hop * 1.5) runs.push([q]);
    else runs[runs.length - 1].push(q);
  }
  for (const key of ['valence', 'arousal'] as const) {
    const level = result.summary[key];
    if (Number.isFinite(level) && !isAllSilent(result)) p.shapes.dashedLine(b.left, P(0, level).y, b.right, P(0, level).y, 1.3, 7, 5).paint(TIMELINE_COLORS[key], 0.55);
    // Each value is plotted at the middle of its 0.5 s segment.
    for (const run of runs) p.shapes.polyline(run.map((q) => P(q.time + hop / 2, q[key])), 2.2).paint(TIMELINE_COLORS[key]);
  }
  p.shapes.clip = null;
  // Legend above the plot area, right-aligned.
  const items = [
    { text: 'valence', colour: TIMELINE_COLORS.valence, dashed: false },
    { text: 'arousal', colour: TIMELINE_COLORS.arousal, dashed: false },
    { text: 'song level', colour: MUTED, dashed: true },
  ];
  let x = b.right;
  const y = b.top - 14;
  for (const item of [...items].reverse()) {
    x -= p.measure(item.text, 12);
    p.text(item.text, x, y, { size: 12, colour: INK, align: 'left', baseline: 'middle' });
    x -= 30;
    if (item.dashed) p.shapes.dashedLine(x, y, x + 24, y, 1.3, 5, 3);
    else p.shapes.segment(x, y, x + 24, y, 2.5, { cap: 'butt' });
    p.shapes.paint(item.colour);
    x -= 18;
  }
  p.text('valence and arousal over time', b.left, y, { size: 13, bold: true, colour: INK, align: 'left', baseline: 'middle' });
}

/** Title (file name) and a subtitle with length, mood, song-level values and tempo, with a swatch. */
function drawTitle(p: Painter, result: AnalysisResult, title: string, colour: Rgb): void {
  const s = result.summary;
  p.text(p.fit(title, PLOT_WIDTH - 80, 26, true), 40, 52, { size: 26, bold: true, colour: INK });
  const mood = Number.isFinite(s.valence) && Number.isFinite(s.arousal) ? moodWord(s.valence, s.arousal) : '?';
  const parts = isAllSilent(result)
    ? [formatDuration(result.duration), SILENT_MOOD, 'no mood or tempo']
    : [
        formatDuration(result.duration),
        `${s.quadrant} · ${mood}`,
        `valence ${Number.isFinite(s.valence) ? signed(s.valence) : '?'}`,
        `arousal ${Number.isFinite(s.arousal) ? signed(s.arousal) : '?'}`,
        s.tempo !== null && Number.isFinite(s.tempo) ? `${s.tempo.toFixed(0)} BPM` : '? BPM',
      ];
  p.shapes.box(40, 66, 22, 22, 5).paint(colour);
  p.shapes.boxOutline(40, 66, 22, 22, 1, 5).paint(INK, 0.35);
  p.text(p.fit(parts.join('   ·   '), PLOT_WIDTH - 120, 15), 72, 78, { size: 15, colour: MUTED, baseline: 'middle' });
  p.shapes.segment(40, 104, PLOT_WIDTH - 40, 104, 1, { cap: 'butt' }).paint(GRID);
}

/** Base name of a path, either separator. */
const baseName = (file: string): string => file.split(/[\\/]/).filter(Boolean).pop() ?? file;

/** The bitmap as PNG bytes, through pureimage's encoder into memory. */
async function encodePng(bitmap: PImage.Bitmap): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await PImage.encodePNGToStream(bitmap, sink);
  return Buffer.concat(chunks);
}

/**
 * A PNG of one analysis: the title (file name, length, song mood), the trajectory over Russell's
 * circumplex coloured by time with start/end markers and the song-level point, a strip of the light
 * colour over time, and valence and arousal against time. {@link PLOT_WIDTH} × {@link PLOT_HEIGHT}
 * pixels times `options.scale`.
 */
export async function renderEmotionPlot(result: AnalysisResult, options: PlotOptions = {}): Promise<Buffer> {
  const scale = options.scale && options.scale > 0 ? options.scale : 1;
  const fonts = chooseFonts(options.fontFamily);
  const layout = plotLayout();
  const bitmap = PImage.make(Math.round(PLOT_WIDTH * scale), Math.round(PLOT_HEIGHT * scale));
  const p = new Painter(bitmap.getContext('2d'), fonts, bitmap, scale);
  p.shapes.fillPixels(0, 0, bitmap.width, bitmap.height, rgb(BACKGROUND));

  // Silent points are not the model's estimates: left out of the trajectory, the light strip and the lines.
  const silent = silentPoints(result);
  const points = result.timeline.filter((q, k) => !silent[k] && finitePoint(q)).map((q) => ({
    time: q.time,
    valence: Math.max(-1, Math.min(1, q.valence)),
    arousal: Math.max(-1, Math.min(1, q.arousal)),
  }));
  const duration = Number.isFinite(result.duration) && result.duration > 0 ? result.duration : points.length ? points[points.length - 1].time + (result.hopSeconds || 0.5) : 0;
  const s = result.summary;
  const songColour = hexToRgb(s.color) ?? (Number.isFinite(s.valence) && Number.isFinite(s.arousal) ? emotionToRgb(s.valence, s.arousal) : { r: 128, g: 128, b: 128 });
  const shown: AnalysisResult = { ...result, duration };

  drawTitle(p, shown, options.title ?? baseName(result.file), songColour);
  drawField(p, layout);
  drawCircumplexFrame(p, layout);
  drawTrajectory(p, points, duration, layout);
  drawSongPoint(p, shown, songColour, layout);
  if (points.length === 0) {
    const { cx, cy, r } = layout.circumplex;
    p.text(result.timeline.length ? SILENT_MOOD : 'no timeline', cx, cy + r / 2, { size: 14, colour: MUTED, align: 'center' });
  }
  drawTimeBar(p, duration, layout);
  drawRibbon(p, points, result.hopSeconds > 0 ? result.hopSeconds : 0.5, duration, layout);
  drawTimelines(p, shown, points, layout);
  return encodePng(bitmap);
}
