/**
 * The page's canvases: the valence/arousal circumplex with the current point and its fading
 * trail, and the scrolling valence and arousal timelines. Drawn in CSS pixels at the device's
 * pixel ratio, so they stay sharp on phones.
 */

export interface ViewPoint {
  /** Start of the point's 0.5 s segment, s. */
  time: number;
  valence: number;
  arousal: number;
  silent: boolean;
}

export const COLOURS = { valence: '#c2410c', arousal: '#1d4ed8', grid: '#d4d4d8', text: '#52525b', silence: '#e4e4e7' } as const;

/** Points of the circumplex trail: 10 s at one point per 0.5 s. */
export const TRAIL_POINTS = 20;
/** Seconds the timelines show, ending at the current point. */
export const TIMELINE_SECONDS = 60;

/** The canvas's 2D context sized to its CSS box × devicePixelRatio, drawing in CSS pixels. */
function context(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext('2d');
  if (!g) throw new Error('canvas 2D is not available');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

/**
 * The circumplex: valence across (negative ← → positive), arousal up (calm ↓ ↑ energetic),
 * the quadrant names, the trail (oldest faintest) and the newest point filled with `colour`.
 */
export function drawCircumplex(canvas: HTMLCanvasElement, trail: readonly ViewPoint[], colour: string): void {
  const { g, w, h } = context(canvas);
  const size = Math.min(w, h);
  const pad = 22;
  const r = size / 2 - pad;
  const cx = w / 2;
  const cy = h / 2;
  const x = (v: number) => cx + v * r;
  const y = (a: number) => cy - a * r;
  g.strokeStyle = COLOURS.grid;
  g.lineWidth = 1;
  g.strokeRect(cx - r, cy - r, 2 * r, 2 * r);
  g.beginPath();
  g.moveTo(cx - r, cy);
  g.lineTo(cx + r, cy);
  g.moveTo(cx, cy - r);
  g.lineTo(cx, cy + r);
  g.stroke();
  g.fillStyle = COLOURS.text;
  g.font = '12px system-ui, sans-serif';
  g.textAlign = 'center';
  g.fillText('energetic', cx, cy - r - 7);
  g.fillText('calm', cx, cy + r + 15);
  g.save();
  g.translate(cx - r - 8, cy);
  g.rotate(-Math.PI / 2);
  g.fillText('negative', 0, 0);
  g.restore();
  g.save();
  g.translate(cx + r + 8, cy);
  g.rotate(Math.PI / 2);
  g.fillText('positive', 0, 0);
  g.restore();
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#a1a1aa';
  g.fillText('Q1', cx + r - 14, cy - r + 16);
  g.fillText('Q2', cx - r + 14, cy - r + 16);
  g.fillText('Q3', cx - r + 14, cy + r - 8);
  g.fillText('Q4', cx + r - 14, cy + r - 8);
  const shown = trail.slice(-TRAIL_POINTS);
  for (let i = 1; i < shown.length; i++) {
    // Older segments fade out: alpha rises linearly to the newest.
    g.strokeStyle = `rgba(63, 63, 70, ${(0.08 + (0.7 * i) / shown.length).toFixed(3)})`;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(x(shown[i - 1].valence), y(shown[i - 1].arousal));
    g.lineTo(x(shown[i].valence), y(shown[i].arousal));
    g.stroke();
  }
  const last = shown[shown.length - 1];
  if (!last) return;
  g.beginPath();
  g.arc(x(last.valence), y(last.arousal), 8, 0, 2 * Math.PI);
  g.fillStyle = colour;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = '#18181b';
  g.stroke();
}

/**
 * Valence and arousal over the {@link TIMELINE_SECONDS} ending at `now` (s), −1..1, the time
 * axis scrolling with it; silent points are shaded and left out of the lines.
 */
export function drawTimelines(canvas: HTMLCanvasElement, points: readonly ViewPoint[], hopSeconds: number, now: number): void {
  const { g, w, h } = context(canvas);
  const left = 30;
  const right = 8;
  const top = 18;
  const bottom = 20;
  const end = Math.max(TIMELINE_SECONDS, now + hopSeconds);
  const start = end - TIMELINE_SECONDS;
  const x = (t: number) => left + ((t - start) / TIMELINE_SECONDS) * (w - left - right);
  const y = (v: number) => top + ((1 - v) / 2) * (h - top - bottom);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = COLOURS.silence;
  for (const p of points) if (p.silent && p.time + hopSeconds > start) g.fillRect(x(p.time), top, x(p.time + hopSeconds) - x(p.time), h - top - bottom);
  g.strokeStyle = COLOURS.grid;
  g.lineWidth = 1;
  g.fillStyle = COLOURS.text;
  g.textAlign = 'right';
  for (const v of [-1, 0, 1]) {
    g.beginPath();
    g.moveTo(left, y(v));
    g.lineTo(w - right, y(v));
    g.stroke();
    g.fillText(v > 0 ? '+1' : v < 0 ? '−1' : '0', left - 5, y(v) + 4);
  }
  // A tick every 10 s of stream time, labelled m:ss.
  for (let t = Math.ceil(start / 10) * 10; t <= end; t += 10) {
    // The labels at the edges align inwards so they are not cut off.
    g.textAlign = x(t) < left + 15 ? 'left' : x(t) > w - right - 15 ? 'right' : 'center';
    g.fillText(`${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, '0')}`, x(t), h - 5);
  }
  for (const key of ['valence', 'arousal'] as const) {
    g.strokeStyle = COLOURS[key];
    g.lineWidth = 2;
    g.beginPath();
    let drawing = false;
    for (const p of points) {
      if (p.time + hopSeconds <= start || p.silent) {
        drawing = false;
        continue;
      }
      // Each point at the middle of its segment.
      const px = x(p.time + hopSeconds / 2);
      if (drawing) g.lineTo(px, y(p[key]));
      else g.moveTo(px, y(p[key]));
      drawing = true;
    }
    g.stroke();
  }
  g.textAlign = 'left';
  g.fillStyle = COLOURS.valence;
  g.fillText('valence', left + 4, 12);
  g.fillStyle = COLOURS.arousal;
  g.fillText('arousal', left + 60, 12);
}
