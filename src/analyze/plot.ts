/**
 * A picture of one analysis (`sentio analyze --plot`): the trajectory on Russell's circumplex on top,
 * valence and arousal against time below, as a PNG drawn with @napi-rs/canvas.
 *
 * The drawing is laid out in fixed logical units ({@link PLOT_WIDTH} × {@link PLOT_HEIGHT}) and scaled
 * as a whole by `options.scale`, so proportions never drift and tests can find things by
 * coordinates ({@link plotLayout}, {@link circumplexPoint}, {@link timelinePoint}).
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { AnalysisResult, EmotionPoint } from './types.ts';
import { emotionToRgb, hexToRgb, moodWord, rgbToHex, type Rgb } from '../light/color.ts';
import { formatDuration } from './format.ts';

export const PLOT_WIDTH = 900;
export const PLOT_HEIGHT = 1100;

export interface PlotOptions {
  /** Pixels per logical unit (2 for a sharp image on high-DPI screens). Default 1: 900 × 1100 px. */
  scale?: number;
  /** CSS font family list; default: the first of a few common sans-serif faces that is installed, else `sans-serif`. */
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

const BACKGROUND = '#fbfbfd';
const INK = '#1f2430';
const MUTED = '#6b7280';
const GRID = '#d9dce3';
/** How much of the mood colour tints the circumplex field (the rest is the background). */
const FIELD_TINT = 0.3;

/** Installed faces to prefer, in order; all are plain sans-serifs with the glyphs used here (− · →). */
const PREFERRED_FONTS = ['Inter', 'Helvetica Neue', 'Helvetica', 'Arial', 'DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Roboto'];

/**
 * The font family list to draw with: the first preferred face that GlobalFonts knows, followed by
 * the generic `sans-serif`; just `sans-serif` when none is installed (Skia then picks the system default).
 */
export function defaultFontFamily(): string {
  const have = new Set(GlobalFonts.families.map((f) => f.family));
  const face = PREFERRED_FONTS.find((f) => have.has(f));
  return face ? `"${face}", sans-serif` : 'sans-serif';
}

const css = (c: Rgb, alpha = 1): string => (alpha >= 1 ? rgbToHex(c) : `rgba(${c.r}, ${c.g}, ${c.b}, ${alpha})`);

const finitePoint = (p: EmotionPoint): boolean => Number.isFinite(p.time) && Number.isFinite(p.valence) && Number.isFinite(p.arousal);

/** `text` cut with an ellipsis to fit `maxWidth` at the current font. */
function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && ctx.measureText(chars.join('') + '…').width > maxWidth) chars.pop();
  return chars.join('') + '…';
}

/** Signed number for labels, with a real minus sign. */
const signed = (x: number, digits = 2): string => (x < 0 ? '−' : '+') + Math.abs(x).toFixed(digits);

/** A "nice" tick step (1, 2 or 5 × 10^k) giving at most `maxTicks` intervals over `span`. */
export function niceStep(span: number, maxTicks = 10): number {
  const raw = span / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** The mood colour field inside the unit circle, tinted towards the background; drawn once as an image. */
function drawField(ctx: SKRSContext2D, layout: PlotLayout, scale: number): void {
  const { cx, cy, r } = layout.circumplex;
  const size = Math.ceil(2 * r * scale);
  const field = createCanvas(size, size);
  const fctx = field.getContext('2d');
  const img = fctx.createImageData(size, size);
  const bg = hexToRgb(BACKGROUND) ?? { r: 255, g: 255, b: 255 };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = ((x + 0.5) / size) * 2 - 1;
      const a = 1 - ((y + 0.5) / size) * 2;
      const d = Math.hypot(v, a);
      const o = 4 * (y * size + x);
      // Antialiased edge: coverage falls from 1 to 0 over one pixel at the rim.
      const cover = Math.min(1, Math.max(0, (1 - d) * r * scale + 0.5));
      if (cover <= 0) continue;
      const c = emotionToRgb(v, a);
      img.data[o] = Math.round(bg.r + FIELD_TINT * (c.r - bg.r));
      img.data[o + 1] = Math.round(bg.g + FIELD_TINT * (c.g - bg.g));
      img.data[o + 2] = Math.round(bg.b + FIELD_TINT * (c.b - bg.b));
      img.data[o + 3] = Math.round(255 * cover);
    }
  }
  fctx.putImageData(img, 0, 0);
  ctx.drawImage(field, cx - r, cy - r, 2 * r, 2 * r);
}

/** Circle outline, axes, ticks, pole names and quadrant names of the circumplex. */
function drawCircumplexFrame(ctx: SKRSContext2D, layout: PlotLayout, font: string): void {
  const { cx, cy, r } = layout.circumplex;
  ctx.save();
  // Rings at 0.5 and 1.
  ctx.strokeStyle = 'rgba(31, 36, 48, 0.18)';
  ctx.setLineDash([4, 5]);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(cx, cy, r / 2, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = 'rgba(31, 36, 48, 0.45)';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, 2 * Math.PI);
  ctx.stroke();
  // Axes, a little past the circle.
  ctx.strokeStyle = 'rgba(31, 36, 48, 0.35)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(cx - r - 14, cy);
  ctx.lineTo(cx + r + 14, cy);
  ctx.moveTo(cx, cy - r - 14);
  ctx.lineTo(cx, cy + r + 14);
  ctx.stroke();
  // Ticks at ±0.5 and ±1; only ±0.5 are labelled (the circle itself is 1).
  ctx.fillStyle = MUTED;
  ctx.font = `11px ${font}`;
  for (const t of [-1, -0.5, 0.5, 1]) {
    const { x } = circumplexPoint(t, 0, layout);
    const { y } = circumplexPoint(0, t, layout);
    ctx.beginPath();
    ctx.moveTo(x, cy - 4);
    ctx.lineTo(x, cy + 4);
    ctx.moveTo(cx - 4, y);
    ctx.lineTo(cx + 4, y);
    ctx.stroke();
    if (Math.abs(t) === 1) continue;
    const label = t > 0 ? `+${t}` : `−${-t}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(label, x, cy + 7);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, cx + 7, y);
  }
  // Pole names.
  ctx.fillStyle = INK;
  ctx.font = `600 13px ${font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText('positive', cx + r + 20, cy - 8);
  ctx.textAlign = 'right';
  ctx.fillText('negative', cx - r - 20, cy - 8);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('energetic', cx, cy - r - 18);
  const energeticWidth = ctx.measureText('energetic').width;
  ctx.textBaseline = 'top';
  ctx.fillText('calm', cx, cy + r + 18);
  ctx.font = `12px ${font}`;
  ctx.fillStyle = MUTED;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText('valence →', cx + r + 20, cy + 10);
  ctx.textAlign = 'right';
  ctx.fillText('valence', cx - r - 20, cy + 10);
  ctx.textBaseline = 'bottom';
  ctx.fillText('arousal ↑', cx - energeticWidth / 2 - 12, cy - r - 18);
  // Quadrant names in the corners of the square around the circle, in each quadrant's own colour.
  const d = r * 0.98;
  const quadrants: { label: string; sub: string; v: number; a: number; align: CanvasTextAlign }[] = [
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
    const dark = { r: Math.round(colour.r * 0.6), g: Math.round(colour.g * 0.6), b: Math.round(colour.b * 0.6) };
    ctx.textAlign = q.align;
    ctx.textBaseline = q.a > 0 ? 'top' : 'bottom';
    ctx.fillStyle = css(dark);
    ctx.font = `700 16px ${font}`;
    ctx.fillText(q.label, x, q.a > 0 ? y : y - 18);
    ctx.font = `13px ${font}`;
    ctx.fillText(q.sub, x, q.a > 0 ? y + 20 : y);
  }
  ctx.restore();
}

/** Segments and dots of the trajectory, coloured by time, with start and end markers. */
function drawTrajectory(ctx: SKRSContext2D, points: EmotionPoint[], duration: number, layout: PlotLayout): void {
  if (points.length === 0) return;
  const rel = (t: number): number => (duration > 0 ? t / duration : 0);
  const at = (p: EmotionPoint) => circumplexPoint(p.valence, p.arousal, layout);
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  // A soft white halo under the path keeps it legible over the tinted field.
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.7)';
  ctx.lineWidth = 5;
  ctx.beginPath();
  points.forEach((p, i) => (i === 0 ? ctx.moveTo(at(p).x, at(p).y) : ctx.lineTo(at(p).x, at(p).y)));
  ctx.stroke();
  ctx.lineWidth = 2.2;
  for (let i = 1; i < points.length; i++) {
    const a = at(points[i - 1]);
    const b = at(points[i]);
    const g = ctx.createLinearGradient(a.x, a.y, b.x + 1e-3, b.y + 1e-3);
    g.addColorStop(0, css(timeColor(rel(points[i - 1].time)), 0.9));
    g.addColorStop(1, css(timeColor(rel(points[i].time)), 0.9));
    ctx.strokeStyle = g;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }
  const dot = points.length > 400 ? 1.8 : points.length > 150 ? 2.4 : 3.2;
  for (const p of points) {
    const { x, y } = at(p);
    ctx.fillStyle = css(timeColor(rel(p.time)));
    ctx.beginPath();
    ctx.arc(x, y, dot, 0, 2 * Math.PI);
    ctx.fill();
  }
  const first = at(points[0]);
  const last = at(points[points.length - 1]);
  startMarker(ctx, first.x, first.y);
  endMarker(ctx, last.x, last.y, timeColor(rel(points[points.length - 1].time)));
  ctx.restore();
}

/** Start: a hollow ring in the start colour. */
function startMarker(ctx: SKRSContext2D, x: number, y: number): void {
  ctx.save();
  ctx.fillStyle = '#ffffff';
  ctx.strokeStyle = css(timeColor(0));
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.arc(x, y, 6.5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

/** End: a square in the end colour with a white edge. */
function endMarker(ctx: SKRSContext2D, x: number, y: number, colour: Rgb): void {
  ctx.save();
  ctx.fillStyle = css(colour);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.rect(x - 6, y - 6, 12, 12);
  ctx.fill();
  ctx.stroke();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - 7, y - 7, 14, 14);
  ctx.restore();
}

/** The song-level point: a large disc in the song's colour with a dark ring, labelled with its mood. */
function drawSongPoint(ctx: SKRSContext2D, result: AnalysisResult, colour: Rgb, layout: PlotLayout, font: string): void {
  const s = result.summary;
  if (!Number.isFinite(s.valence) || !Number.isFinite(s.arousal)) return;
  const v = Math.max(-1, Math.min(1, s.valence));
  const a = Math.max(-1, Math.min(1, s.arousal));
  const { x, y } = circumplexPoint(v, a, layout);
  ctx.save();
  ctx.shadowColor = 'rgba(0, 0, 0, 0.35)';
  ctx.shadowBlur = 6;
  ctx.fillStyle = css(colour);
  ctx.beginPath();
  ctx.arc(x, y, 12, 0, 2 * Math.PI);
  ctx.fill();
  ctx.shadowColor = 'transparent';
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2.5;
  ctx.stroke();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(x, y, 14, 0, 2 * Math.PI);
  ctx.stroke();
  // Label on the side facing the centre's opposite, so it stays inside the panel.
  const label = `song: ${moodWord(v, a)}`;
  ctx.font = `700 13px ${font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = v > 0.55 ? 'right' : 'left';
  const lx = v > 0.55 ? x - 20 : x + 20;
  ctx.lineWidth = 4;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.strokeText(label, lx, y);
  ctx.fillStyle = INK;
  ctx.fillText(label, lx, y);
  ctx.restore();
}

/** The colour bar for time under the circumplex, with start/end markers and times at both ends. */
function drawTimeBar(ctx: SKRSContext2D, duration: number, layout: PlotLayout, font: string): void {
  const b = layout.timeBar;
  ctx.save();
  const g = ctx.createLinearGradient(b.left, 0, b.right, 0);
  for (let i = 0; i <= 10; i++) g.addColorStop(i / 10, css(timeColor(i / 10)));
  ctx.fillStyle = g;
  roundRect(ctx, b.left, b.top, b.right - b.left, b.bottom - b.top, 6);
  ctx.fill();
  const mid = (b.top + b.bottom) / 2;
  startMarker(ctx, b.left - 18, mid);
  endMarker(ctx, b.right + 18, mid, timeColor(1));
  ctx.font = `12px ${font}`;
  ctx.fillStyle = MUTED;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillText('start 0:00', b.left - 32, mid);
  ctx.textAlign = 'left';
  ctx.fillText(`${formatDuration(duration)} end`, b.right + 32, mid);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('trajectory colour = time', (b.left + b.right) / 2, b.bottom + 6);
  ctx.restore();
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

/** The strip of light colours: each 0.5 s segment in the colour the lights would show. */
function drawRibbon(ctx: SKRSContext2D, points: EmotionPoint[], hop: number, duration: number, layout: PlotLayout, font: string): void {
  const b = layout.ribbon;
  ctx.save();
  ctx.fillStyle = '#eceef2';
  ctx.fillRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
  for (const p of points) {
    const x0 = timelinePoint(p.time, 0, duration, layout).x;
    const x1 = timelinePoint(Math.min(duration > 0 ? duration : p.time + hop, p.time + hop), 0, duration, layout).x;
    ctx.fillStyle = css(emotionToRgb(p.valence, p.arousal));
    // Overlap by a fraction of a unit so antialiasing leaves no seams between segments.
    ctx.fillRect(x0, b.top, Math.max(0.5, x1 - x0 + 0.4), b.bottom - b.top);
  }
  ctx.font = `600 12px ${font}`;
  ctx.fillStyle = INK;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText('light', b.left - 10, (b.top + b.bottom) / 2);
  ctx.restore();
}

/** Grid, axes, the two timelines, song-level dashed lines and the legend. */
function drawTimelines(ctx: SKRSContext2D, result: AnalysisResult, points: EmotionPoint[], layout: PlotLayout, font: string): void {
  const b = layout.timeline;
  const duration = result.duration;
  const hop = result.hopSeconds > 0 ? result.hopSeconds : 0.5;
  const P = (t: number, v: number) => timelinePoint(t, v, duration, layout);
  ctx.save();
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
  // Horizontal grid at −1, −0.5, 0, 0.5, 1; the zero line stronger.
  ctx.font = `11px ${font}`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [-1, -0.5, 0, 0.5, 1]) {
    const y = P(0, v).y;
    ctx.strokeStyle = v === 0 ? 'rgba(31, 36, 48, 0.45)' : GRID;
    ctx.lineWidth = 1;
    ctx.setLineDash(Math.abs(v) === 0.5 ? [3, 4] : []);
    ctx.beginPath();
    ctx.moveTo(b.left, y);
    ctx.lineTo(b.right, y);
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.fillText(v === 0 ? '0' : signed(v, Math.abs(v) === 1 ? 0 : 1), b.left - 8, y);
  }
  ctx.setLineDash([]);
  // Vertical grid and time labels.
  const span = duration > 0 ? duration : 1;
  const step = niceStep(span, 12);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = 0; t <= span + 1e-9; t += step) {
    const x = P(t, 0).x;
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(x, b.top);
    ctx.lineTo(x, b.bottom);
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.fillText(String(+t.toFixed(3)), x, b.bottom + 6);
  }
  ctx.fillStyle = INK;
  ctx.font = `12px ${font}`;
  ctx.fillText('time (s)', (b.left + b.right) / 2, b.bottom + 24);
  ctx.strokeStyle = 'rgba(31, 36, 48, 0.45)';
  ctx.strokeRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
  // Clip the data to the plot area: values slightly outside [-1, 1] must not spill over the labels.
  ctx.save();
  ctx.beginPath();
  ctx.rect(b.left, b.top, b.right - b.left, b.bottom - b.top);
  ctx.clip();
  for (const key of ['valence', 'arousal'] as const) {
    const level = result.summary[key];
    if (Number.isFinite(level)) {
      ctx.strokeStyle = TIMELINE_COLORS[key];
      ctx.globalAlpha = 0.55;
      ctx.setLineDash([7, 5]);
      ctx.lineWidth = 1.3;
      ctx.beginPath();
      ctx.moveTo(b.left, P(0, level).y);
      ctx.lineTo(b.right, P(0, level).y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = TIMELINE_COLORS[key];
    ctx.lineWidth = 2.2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    points.forEach((p, i) => {
      // Each value is plotted at the middle of its 0.5 s segment.
      const { x, y } = P(p.time + hop / 2, p[key]);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
  ctx.restore();
  // Legend above the plot area, right-aligned.
  ctx.font = `12px ${font}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  const items = [
    { text: 'valence', colour: TIMELINE_COLORS.valence, dashed: false },
    { text: 'arousal', colour: TIMELINE_COLORS.arousal, dashed: false },
    { text: 'song level', colour: MUTED, dashed: true },
  ];
  let x = b.right;
  const y = b.top - 14;
  for (const item of [...items].reverse()) {
    const w = ctx.measureText(item.text).width;
    x -= w;
    ctx.fillStyle = INK;
    ctx.fillText(item.text, x, y);
    x -= 30;
    ctx.strokeStyle = item.colour;
    ctx.lineWidth = item.dashed ? 1.3 : 2.5;
    ctx.setLineDash(item.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 24, y);
    ctx.stroke();
    ctx.setLineDash([]);
    x -= 18;
  }
  ctx.font = `600 13px ${font}`;
  ctx.fillStyle = INK;
  ctx.textAlign = 'left';
  ctx.fillText('valence and arousal over time', b.left, y);
  ctx.restore();
}

/** Title (file name) and a subtitle with length, mood, song-level values and tempo, with a swatch. */
function drawTitle(ctx: SKRSContext2D, result: AnalysisResult, title: string, colour: Rgb, font: string): void {
  const s = result.summary;
  ctx.save();
  ctx.fillStyle = INK;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.font = `700 26px ${font}`;
  ctx.fillText(fitText(ctx, title, PLOT_WIDTH - 80), 40, 52);
  const mood = Number.isFinite(s.valence) && Number.isFinite(s.arousal) ? moodWord(s.valence, s.arousal) : '?';
  const parts = [
    formatDuration(result.duration),
    `${s.quadrant} · ${mood}`,
    `valence ${Number.isFinite(s.valence) ? signed(s.valence) : '?'}`,
    `arousal ${Number.isFinite(s.arousal) ? signed(s.arousal) : '?'}`,
    Number.isFinite(s.tempo) ? `${s.tempo.toFixed(0)} BPM` : '? BPM',
  ];
  ctx.fillStyle = css(colour);
  roundRect(ctx, 40, 66, 22, 22, 5);
  ctx.fill();
  ctx.strokeStyle = 'rgba(31, 36, 48, 0.35)';
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.font = `15px ${font}`;
  ctx.fillStyle = MUTED;
  ctx.textBaseline = 'middle';
  ctx.fillText(fitText(ctx, parts.join('   ·   '), PLOT_WIDTH - 120), 72, 78);
  ctx.strokeStyle = GRID;
  ctx.beginPath();
  ctx.moveTo(40, 104);
  ctx.lineTo(PLOT_WIDTH - 40, 104);
  ctx.stroke();
  ctx.restore();
}

/** Base name of a path, either separator; browser-safe, unlike node:path. */
const baseName = (file: string): string => file.split(/[\\/]/).filter(Boolean).pop() ?? file;

/**
 * A PNG of one analysis: the title (file name, length, song mood), the trajectory over Russell's
 * circumplex coloured by time with start/end markers and the song-level point, a strip of the light
 * colour over time, and valence and arousal against time. {@link PLOT_WIDTH} × {@link PLOT_HEIGHT}
 * pixels times `options.scale`.
 */
export function renderEmotionPlot(result: AnalysisResult, options: PlotOptions = {}): Buffer {
  const scale = options.scale && options.scale > 0 ? options.scale : 1;
  const font = options.fontFamily ?? defaultFontFamily();
  const layout = plotLayout();
  const canvas = createCanvas(Math.round(PLOT_WIDTH * scale), Math.round(PLOT_HEIGHT * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, PLOT_WIDTH, PLOT_HEIGHT);

  const points = result.timeline.filter(finitePoint).map((p) => ({
    time: p.time,
    valence: Math.max(-1, Math.min(1, p.valence)),
    arousal: Math.max(-1, Math.min(1, p.arousal)),
  }));
  const duration = Number.isFinite(result.duration) && result.duration > 0 ? result.duration : points.length ? points[points.length - 1].time + (result.hopSeconds || 0.5) : 0;
  const s = result.summary;
  const songColour = hexToRgb(s.color) ?? (Number.isFinite(s.valence) && Number.isFinite(s.arousal) ? emotionToRgb(s.valence, s.arousal) : { r: 128, g: 128, b: 128 });
  const shown: AnalysisResult = { ...result, duration };

  drawTitle(ctx, shown, options.title ?? baseName(result.file), songColour, font);
  drawField(ctx, layout, scale);
  drawCircumplexFrame(ctx, layout, font);
  drawTrajectory(ctx, points, duration, layout);
  drawSongPoint(ctx, shown, songColour, layout, font);
  if (points.length === 0) {
    const { cx, cy, r } = layout.circumplex;
    ctx.font = `14px ${font}`;
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText('no timeline', cx, cy + r / 2);
  }
  drawTimeBar(ctx, duration, layout, font);
  drawRibbon(ctx, points, result.hopSeconds > 0 ? result.hopSeconds : 0.5, duration, layout, font);
  drawTimelines(ctx, shown, points, layout, font);
  return canvas.toBuffer('image/png');
}
