/**
 * Draws the light colour mapping (src/light/palette.ts) over the valence/arousal plane, one
 * panel per palette, to docs/colour-map.png (the picture in docs/colour.md):
 *   node --import tsx scripts/colour-map.ts [out.png]
 *
 * Each pixel is what the lamp emits for that point, the palette colour times the brightness law
 * (default options), so both the colour and the dimming of calm music show. Dashed lines mark
 * the quadrant hysteresis band; the swatch under each panel is its silence state.
 *
 * Drawn in pure JavaScript with pureimage's bitmap and PNG encoder and the bundled DejaVu Sans
 * (dejavu-fonts-ttf). Glyph outlines are filled here with exact coverage across each pixel and
 * four samples down, as src/analyze/plot.ts does, because pureimage's own fillText leaves specks.
 */
import { createRequire } from 'node:module';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import * as PImage from 'pureimage';
import { hexToRgb, type Rgb } from '../src/light/color.ts';
import { DEFAULT_COLOUR_OPTIONS, PALETTES, PALETTE_NAMES, lightColour, silenceColour, type ColourOptions, type PaletteName } from '../src/light/palette.ts';
import { DEFAULT_SMOOTHING_OPTIONS } from '../src/light/smoothing.ts';

const out = path.resolve(process.argv[2] ?? 'docs/colour-map.png');

/** The hue the mono panel is drawn with (mono has no default: the user gives one). */
const MONO_HUE_DEGREES = 30;

const WIDTH = 1260;
const HEIGHT = 1035;
const CELL_WIDTH = 420;
const CELL_HEIGHT = 462;
const CELLS_TOP = 95;
const PLANE_SIZE = 280;
/** Side of the squares the field is drawn in, pixels (divides PLANE_SIZE). */
const FIELD_BLOCK = 2;

const BACKGROUND = hex('#fbfbfd');
const INK = hex('#1f2430');
const MUTED = hex('#6b7280');
const WHITE: Rgb = { r: 255, g: 255, b: 255 };

function hex(s: string): Rgb {
  const c = hexToRgb(s);
  if (!c) throw new Error(`not a colour: ${s}`);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Fonts: the opentype.js faces pureimage loads.

interface PathCommand {
  type: string;
  x?: number;
  y?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

interface OutlineFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  getPath(text: string, x: number, y: number, fontSize: number, options?: { kerning?: boolean }): { commands: PathCommand[] };
  stringToGlyphs(text: string): { advanceWidth?: number }[];
}

const require = createRequire(import.meta.url);
const REGULAR = PImage.registerFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), 'DejaVu Sans').loadSync().font as unknown as OutlineFont;
const BOLD = PImage.registerFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'), 'DejaVu Sans Bold', 700).loadSync().font as unknown as OutlineFont;

// ---------------------------------------------------------------------------------------------
// Drawing on the RGBA bitmap.

const bitmap = PImage.make(WIDTH, HEIGHT);
const data = bitmap.data;

function blend(px: number, py: number, c: Rgb, alpha: number): void {
  if (px < 0 || py < 0 || px >= WIDTH || py >= HEIGHT || alpha <= 0) return;
  const o = 4 * (py * WIDTH + px);
  const a = Math.min(1, alpha);
  data[o] = Math.round(data[o] + a * (c.r - data[o]));
  data[o + 1] = Math.round(data[o + 1] + a * (c.g - data[o + 1]));
  data[o + 2] = Math.round(data[o + 2] + a * (c.b - data[o + 2]));
  data[o + 3] = 255;
}

function fillRect(x0: number, y0: number, x1: number, y1: number, c: Rgb, alpha = 1): void {
  for (let py = Math.round(y0); py < Math.round(y1); py++) for (let px = Math.round(x0); px < Math.round(x1); px++) blend(px, py, c, alpha);
}

/** A box with rounded corners, antialiased by its signed distance. */
function roundRect(left: number, top: number, w: number, h: number, radius: number, c: Rgb, alpha = 1): void {
  for (let py = Math.floor(top) - 1; py <= Math.ceil(top + h); py++) {
    for (let px = Math.floor(left) - 1; px <= Math.ceil(left + w); px++) {
      const qx = Math.abs(px + 0.5 - (left + w / 2)) - (w / 2 - radius);
      const qy = Math.abs(py + 0.5 - (top + h / 2)) - (h / 2 - radius);
      const d = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
      blend(px, py, c, alpha * Math.min(1, Math.max(0, 0.5 - d)));
    }
  }
}

/** A ring of `width` around (cx, cy), antialiased. */
function ring(cx: number, cy: number, radius: number, width: number, c: Rgb, alpha = 1): void {
  const o = radius + width;
  for (let py = Math.floor(cy - o); py <= Math.ceil(cy + o); py++) {
    for (let px = Math.floor(cx - o); px <= Math.ceil(cx + o); px++) {
      const d = Math.abs(Math.hypot(px + 0.5 - cx, py + 0.5 - cy) - radius) - width / 2;
      blend(px, py, c, alpha * Math.min(1, Math.max(0, 0.5 - d)));
    }
  }
}

/** A dashed horizontal or vertical 1 px line. */
function dashed(x0: number, y0: number, x1: number, y1: number, c: Rgb, alpha: number, on = 4, off = 4): void {
  const len = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
  for (let i = 0; i < len; i++) {
    if (i % (on + off) >= on) continue;
    const t = i / len;
    blend(Math.round(x0 + t * (x1 - x0)), Math.round(y0 + t * (y1 - y0)), c, alpha);
  }
}

const SUBROWS = 4;

/** Fills glyph outlines (non-zero winding), each point mapped by `map` first (for rotated text). */
function fillOutline(commands: readonly PathCommand[], c: Rgb, map: (x: number, y: number) => [number, number] = (x, y) => [x, y]): void {
  const edges: number[] = [];
  let [sx, sy, cx, cy] = [0, 0, 0, 0];
  const to = (x: number, y: number): void => {
    if (y !== cy) edges.push(cx, cy, x, y);
    cx = x;
    cy = y;
  };
  const P = (x: number | undefined, y: number | undefined): [number, number] => map(x ?? 0, y ?? 0);
  for (const cmd of commands) {
    if (cmd.type === 'M') {
      to(sx, sy);
      [cx, cy] = P(cmd.x, cmd.y);
      [sx, sy] = [cx, cy];
    } else if (cmd.type === 'L') {
      to(...P(cmd.x, cmd.y));
    } else if (cmd.type === 'Q' || cmd.type === 'C') {
      const [x0, y0] = [cx, cy];
      const [x1, y1] = P(cmd.x1, cmd.y1);
      const [x2, y2] = cmd.type === 'C' ? P(cmd.x2, cmd.y2) : [0, 0];
      const [x3, y3] = P(cmd.x, cmd.y);
      const n = 8;
      for (let i = 1; i <= n; i++) {
        const t = i / n;
        const u = 1 - t;
        if (cmd.type === 'Q') to(u * u * x0 + 2 * u * t * x1 + t * t * x3, u * u * y0 + 2 * u * t * y1 + t * t * y3);
        else to(u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3, u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3);
      }
    } else if (cmd.type === 'Z') {
      to(sx, sy);
    }
  }
  to(sx, sy);
  if (edges.length === 0) return;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < edges.length; i += 2) {
    minX = Math.min(minX, edges[i]);
    maxX = Math.max(maxX, edges[i]);
    minY = Math.min(minY, edges[i + 1]);
    maxY = Math.max(maxY, edges[i + 1]);
  }
  const px0 = Math.max(0, Math.floor(minX));
  const px1 = Math.min(WIDTH, Math.ceil(maxX) + 1);
  const acc = new Float32Array(px1 - px0);
  for (let py = Math.max(0, Math.floor(minY)); py < Math.min(HEIGHT, Math.ceil(maxY) + 1); py++) {
    acc.fill(0);
    for (let k = 0; k < SUBROWS; k++) {
      const y = py + (k + 0.5) / SUBROWS;
      const crossings: { x: number; w: number }[] = [];
      for (let i = 0; i < edges.length; i += 4) {
        const [ex0, ey0, ex1, ey1] = [edges[i], edges[i + 1], edges[i + 2], edges[i + 3]];
        if ((ey0 <= y && ey1 > y) || (ey1 <= y && ey0 > y)) crossings.push({ x: ex0 + ((y - ey0) / (ey1 - ey0)) * (ex1 - ex0), w: ey1 > ey0 ? 1 : -1 });
      }
      crossings.sort((a, b) => a.x - b.x);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += crossings[i].w;
        if (winding === 0) continue;
        const a = Math.max(px0, crossings[i].x);
        const b = Math.min(px1, crossings[i + 1].x);
        for (let px = Math.floor(a); px < b; px++) acc[px - px0] += (Math.min(b, px + 1) - Math.max(a, px)) / SUBROWS;
      }
    }
    // Coverage in 1/16 steps: no visible difference, and far fewer distinct pixels for the PNG.
    for (let px = px0; px < px1; px++) blend(px, py, c, Math.round(acc[px - px0] * 16) / 16);
  }
}

interface TextStyle {
  size: number;
  bold?: boolean;
  colour?: Rgb;
  align?: 'left' | 'center' | 'right';
  baseline?: 'alphabetic' | 'middle' | 'top';
  /** Turned a quarter anticlockwise about (x, y), reading upwards. */
  vertical?: boolean;
}

function textWidth(text: string, size: number, bold = false): number {
  const font = bold ? BOLD : REGULAR;
  return font.stringToGlyphs(text).reduce((w, g) => w + (g.advanceWidth ?? 0), 0) * (size / font.unitsPerEm);
}

function text(s: string, x: number, y: number, style: TextStyle): void {
  const font = style.bold ? BOLD : REGULAR;
  const w = textWidth(s, style.size, style.bold);
  const ascent = (font.ascender / font.unitsPerEm) * style.size;
  const descent = (-font.descender / font.unitsPerEm) * style.size;
  const dx = style.align === 'center' ? -w / 2 : style.align === 'right' ? -w : 0;
  const dy = style.baseline === 'top' ? ascent : style.baseline === 'middle' ? (ascent - descent) / 2 : 0;
  const commands = font.getPath(s, x + dx, y + dy, style.size, { kerning: false }).commands;
  const map = style.vertical ? (px: number, py: number): [number, number] => [x + (py - y), y - (px - x)] : undefined;
  fillOutline(commands, style.colour ?? INK, map);
}

/** Greedy word wrap to `maxWidth`. */
function wrap(s: string, maxWidth: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The picture.

const optionsFor = (name: PaletteName): ColourOptions =>
  name === 'mono' ? { ...DEFAULT_COLOUR_OPTIONS, palette: 'mono', hueDegrees: MONO_HUE_DEGREES } : { ...DEFAULT_COLOUR_OPTIONS, palette: name };

/** What the lamp emits: the full-brightness colour times the brightness. */
const emitted = (rgb: Rgb, brightness: number): Rgb => ({ r: rgb.r * brightness, g: rgb.g * brightness, b: rgb.b * brightness });

const signed = (x: number): string => (x < 0 ? `−${-x}` : x > 0 ? `+${x}` : '0');
/** A number with a real minus sign, as in the docs. */
const minus = (x: number): string => (x < 0 ? `−${-x}` : `${x}`);

function panel(name: PaletteName, cellLeft: number, cellTop: number): void {
  const o = optionsFor(name);
  const left = cellLeft + 80;
  const top = cellTop + 82;
  const size = PLANE_SIZE;
  text(name === 'mono' ? `mono (hueDegrees ${MONO_HUE_DEGREES})` : name, cellLeft + 24, cellTop + 26, { size: 19, bold: true });
  wrap(PALETTES[name].summary, CELL_WIDTH - 44, 12).slice(0, 3).forEach((line, i) => text(line, cellLeft + 24, cellTop + 46 + i * 15, { size: 12, colour: MUTED }));
  // The field in FIELD_BLOCK-pixel squares sampled at their centres: invisible at this size, and
  // repeated pixels keep the PNG small.
  for (let by = 0; by < size; by += FIELD_BLOCK) {
    const arousal = 1 - (2 * (by + FIELD_BLOCK / 2)) / size;
    for (let bx = 0; bx < size; bx += FIELD_BLOCK) {
      const valence = (2 * (bx + FIELD_BLOCK / 2)) / size - 1;
      const { rgb, brightness } = lightColour(valence, arousal, o);
      fillRect(left + bx, top + by, left + bx + FIELD_BLOCK, top + by + FIELD_BLOCK, emitted(rgb, brightness));
    }
  }
  // Axes through the centre and the quadrant hysteresis band either side of them.
  const cx = left + size / 2;
  const cy = top + size / 2;
  const band = (DEFAULT_SMOOTHING_OPTIONS.hysteresis * size) / 2;
  fillRect(cx, top, cx + 1, top + size, WHITE, 0.55);
  fillRect(left, cy, left + size, cy + 1, WHITE, 0.55);
  for (const d of [-band, band]) {
    dashed(cx + d, top, cx + d, top + size, WHITE, 0.45, 3, 4);
    dashed(left, cy + d, left + size, cy + d, WHITE, 0.45, 3, 4);
  }
  ring(cx, cy, size / 2, 1, WHITE, 0.3);
  // Frame and ticks.
  for (const [x0, y0, x1, y1] of [
    [left - 1, top - 1, left + size + 1, top],
    [left - 1, top + size, left + size + 1, top + size + 1],
    [left - 1, top, left, top + size],
    [left + size, top, left + size + 1, top + size],
  ]) fillRect(x0, y0, x1, y1, INK, 0.6);
  for (const t of [-1, -0.5, 0, 0.5, 1]) {
    const x = left + ((t + 1) / 2) * size;
    const y = top + ((1 - t) / 2) * size;
    fillRect(Math.min(x, left + size - 1), top + size + 1, Math.min(x, left + size - 1) + 1, top + size + 6, INK, 0.6);
    fillRect(left - 6, Math.min(y, top + size - 1), left - 1, Math.min(y, top + size - 1) + 1, INK, 0.6);
    if (t === -0.5 || t === 0.5) continue;
    text(signed(t), x, top + size + 9, { size: 12, colour: MUTED, align: 'center', baseline: 'top' });
    text(signed(t), left - 10, y, { size: 12, colour: MUTED, align: 'right', baseline: 'middle' });
  }
  text('valence →', cx, top + size + 28, { size: 13, align: 'center', baseline: 'top' });
  text('arousal →', left - 38, cy, { size: 13, align: 'center', baseline: 'middle', vertical: true });
  // Quadrant names on translucent plates in the corners.
  const corners: [string, number, number, 'left' | 'right'][] = [
    ['Q1 happy', 1, 1, 'right'],
    ['Q2 angry', -1, 1, 'left'],
    ['Q3 sad', -1, -1, 'left'],
    ['Q4 calm', 1, -1, 'right'],
  ];
  for (const [label, sv, sa, align] of corners) {
    const w = textWidth(label, 12, true) + 12;
    const x = sv > 0 ? left + size - 6 - w : left + 6;
    const y = sa > 0 ? top + 6 : top + size - 6 - 20;
    roundRect(x, y, w, 20, 5, WHITE, 0.78);
    text(label, align === 'right' ? x + w - 6 : x + 6, y + 10, { size: 12, bold: true, align, baseline: 'middle' });
  }
  // The silence state: its emitted colour, ringed by its full-brightness colour.
  const silence = silenceColour(o);
  const sy = top + size + 54;
  roundRect(left, sy, 30, 30, 6, silence.rgb);
  roundRect(left + 4, sy + 4, 22, 22, 4, emitted(silence.rgb, silence.brightness));
  text(`silence (< ${minus(o.gateDb)} dBFS): calm colour at ${Math.round(silence.brightness * 100)} %`, left + 42, sy + 9, { size: 12, baseline: 'middle' });
  text('ring: its colour at full brightness', left + 42, sy + 25, { size: 12, colour: MUTED, baseline: 'middle' });
}

function legend(cellLeft: number, cellTop: number): void {
  const d = DEFAULT_COLOUR_OPTIONS;
  const x = cellLeft + 24;
  let y = cellTop + 26;
  text('How to read it', x, y, { size: 19, bold: true });
  y += 14;
  const weights = PALETTE_NAMES.map((n) => `${n} ${PALETTES[n].pleasureWeight}`).join(', ');
  const paragraphs = [
    'Each pixel is what the lamp emits for that point: the palette colour (hue, saturation) times the brightness.',
    `Brightness = min + (max − min) · [(1 − w) · ((arousal + 1) / 2)^gamma + w · (valence + 1) / 2]; defaults min ${d.minBrightness}, max ${d.maxBrightness}, gamma ${d.brightnessGamma}; w: ${weights}.`,
    `Silence gate: the newest 0.5 s below ${minus(d.gateDb)} dBFS closes it, ${minus(d.gateDb + d.gateHysteresisDb)} dBFS (+${d.gateHysteresisDb} dB) opens it again; while it is closed the lamp shows the swatch under each panel.`,
    `Smoothing (lights only): exponential, τ = ${DEFAULT_SMOOTHING_OPTIONS.timeConstantSeconds} s. Dashed lines: the quadrant hysteresis band, ±${DEFAULT_SMOOTHING_OPTIONS.hysteresis} around each axis; the displayed quadrant changes only past it.`,
    'Thin circle: distance 1 from the centre, where saturation peaks (except in mono, where it follows arousal).',
  ];
  for (const p of paragraphs) {
    y += 8;
    for (const line of wrap(p, CELL_WIDTH - 50, 13)) {
      y += 19;
      text(line, x, y, { size: 13, colour: INK });
    }
  }
}

fillRect(0, 0, WIDTH, HEIGHT, BACKGROUND);
text('Sentio light colours over the valence/arousal plane', 24, 42, { size: 24, bold: true });
text('src/light/palette.ts, default options; see docs/colour.md for the laws and their sources', 24, 68, { size: 14, colour: MUTED });
PALETTE_NAMES.forEach((name, i) => panel(name, (i % 3) * CELL_WIDTH, CELLS_TOP + Math.floor(i / 3) * CELL_HEIGHT));
legend(2 * CELL_WIDTH, CELLS_TOP + CELL_HEIGHT);

// zlib Z_FILTERED (1) rather than pureimage's default Z_RLE (3): the smooth fields compress to half.
await PImage.encodePNGToStream(bitmap, createWriteStream(out), { deflateStrategy: 1 });
console.log(`wrote ${path.relative(process.cwd(), out)}`);
