import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as PImage from 'pureimage';
import type { AnalysisResult } from '../../src/analyze/types.ts';
import { renderEmotionPlot, plotLayout, circumplexPoint, timelinePoint, timeColor, TIMELINE_COLORS, PLOT_WIDTH, PLOT_HEIGHT } from '../../src/analyze/plot.ts';
import { emotionToHex, emotionToRgb, hexToRgb, type Rgb } from '../../src/light/color.ts';

const N = 40;
const HOP = 0.5;

/** A trajectory wholly inside Q1: a straight walk from (0.3, 0.7) to (0.7, 0.3). */
function q1Result(): AnalysisResult {
  const timeline = Array.from({ length: N }, (_, i) => {
    const u = i / (N - 1);
    return { time: i * HOP, valence: 0.3 + 0.4 * u, arousal: 0.7 - 0.4 * u };
  });
  return {
    file: '/some/dir/q1 walk.mp3',
    duration: N * HOP,
    hopSeconds: HOP,
    timeline,
    silence: [],
    summary: { valence: 0.5, arousal: 0.5, quadrant: 'Q1', quadrantProbabilities: { Q1: 0.9, Q2: 0.04, Q3: 0.02, Q4: 0.04 }, tempo: 128, color: emotionToHex(0.5, 0.5) },
  };
}

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

async function decode(png: Buffer): Promise<Pixels> {
  const img = await PImage.decodePNGFromStream(Readable.from([png]));
  return {
    width: img.width,
    height: img.height,
    at(x, y) {
      const o = 4 * (Math.floor(y) * img.width + Math.floor(x));
      return { r: img.data[o], g: img.data[o + 1], b: img.data[o + 2] };
    },
  };
}

const dist = (a: Rgb, b: Rgb): number => Math.max(Math.abs(a.r - b.r), Math.abs(a.g - b.g), Math.abs(a.b - b.b));

function assertNear(actual: Rgb, expected: Rgb, tol: number, what: string): void {
  assert.ok(dist(actual, expected) <= tol, `${what}: got ${JSON.stringify(actual)}, expected ≈ ${JSON.stringify(expected)}`);
}

/** Width and height from the IHDR chunk, after checking the PNG signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test('renders a PNG of the documented size, and twice as large at scale 2', async () => {
  const png = await renderEmotionPlot(q1Result());
  assert.deepEqual(pngSize(png), { width: PLOT_WIDTH, height: PLOT_HEIGHT });
  assert.deepEqual(pngSize(await renderEmotionPlot(q1Result(), { scale: 2 })), { width: 2 * PLOT_WIDTH, height: 2 * PLOT_HEIGHT });
});

test('the trajectory is drawn in Q1 in its time colours, and Q3 shows only the mood field', async () => {
  const r = q1Result();
  const px = await decode(await renderEmotionPlot(r));
  // Dots away from the start/end markers and the song point (at 0.5, 0.5).
  for (const i of [4, 8, 30, 34]) {
    const p = r.timeline[i];
    const { x, y } = circumplexPoint(p.valence, p.arousal);
    assertNear(px.at(x, y), timeColor(p.time / r.duration), 40, `dot ${i}`);
  }
  // The mirror image of the trajectory in Q3 is the tinted mood field, nothing darker.
  const bg = { r: 0xfb, g: 0xfb, b: 0xfd };
  for (const i of [4, 20, 34]) {
    const p = r.timeline[i];
    const { x, y } = circumplexPoint(-p.valence, -p.arousal);
    const c = emotionToRgb(-p.valence, -p.arousal);
    const tint = { r: bg.r + 0.3 * (c.r - bg.r), g: bg.g + 0.3 * (c.g - bg.g), b: bg.b + 0.3 * (c.b - bg.b) };
    assertNear(px.at(x, y), tint, 6, `field at mirrored point ${i}`);
  }
  // The song-level point is filled with the song colour.
  const song = circumplexPoint(0.5, 0.5);
  assertNear(px.at(song.x, song.y), hexToRgb(r.summary.color)!, 12, 'song point');
});

test('the timelines and the light ribbon sit where the data says', async () => {
  const r = q1Result();
  const px = await decode(await renderEmotionPlot(r));
  const valence = hexToRgb(TIMELINE_COLORS.valence)!;
  const arousal = hexToRgb(TIMELINE_COLORS.arousal)!;
  for (const i of [3, 6, 33, 36]) {
    const p = r.timeline[i];
    const v = timelinePoint(p.time + HOP / 2, p.valence, r.duration);
    const a = timelinePoint(p.time + HOP / 2, p.arousal, r.duration);
    assertNear(px.at(v.x, v.y), valence, 45, `valence line at point ${i}`);
    assertNear(px.at(a.x, a.y), arousal, 45, `arousal line at point ${i}`);
  }
  const ribbon = plotLayout().ribbon;
  for (const i of [2, 20, 37]) {
    const p = r.timeline[i];
    const x = timelinePoint(p.time + HOP / 2, 0, r.duration).x;
    assertNear(px.at(x, (ribbon.top + ribbon.bottom) / 2), emotionToRgb(p.valence, p.arousal), 3, `ribbon at point ${i}`);
  }
});

test('text is rendered (title area is not blank) and odd inputs do not throw', async () => {
  const px = await decode(await renderEmotionPlot(q1Result()));
  let dark = 0;
  for (let y = 20; y < 60; y++) for (let x = 40; x < 400; x++) if (dist(px.at(x, y), { r: 0x1f, g: 0x24, b: 0x30 }) < 60) dark++;
  assert.ok(dark > 500, `only ${dark} dark pixels in the title`);

  const empty = { ...q1Result(), timeline: [] };
  assert.ok(pngSize(await renderEmotionPlot(empty)).width === PLOT_WIDTH);
  const odd = q1Result();
  odd.timeline[3] = { time: 1.5, valence: Number.NaN, arousal: 2 };
  odd.summary = { ...odd.summary, color: 'not a colour', tempo: Number.NaN };
  odd.file = 'x'.repeat(300);
  assert.ok(pngSize(await renderEmotionPlot(odd, { fontFamily: 'no such font, sans-serif' })).height === PLOT_HEIGHT);
});

test('silent stretches: no light and no line there, the music around them as before; an all-silent song renders', async () => {
  const r = q1Result();
  for (const p of r.timeline.slice(10, 20)) Object.assign(p, { valence: 0, arousal: -1 });
  r.silence = [{ start: 5, end: 10 }];
  const px = await decode(await renderEmotionPlot(r));
  // The same points not marked silent: drawn at arousal −1 like any others (the control).
  const unmarked = await decode(await renderEmotionPlot({ ...r, silence: [] }));
  const ribbon = plotLayout().ribbon;
  const mid = (ribbon.top + ribbon.bottom) / 2;
  const arousal = hexToRgb(TIMELINE_COLORS.arousal)!;
  for (const i of [12, 17]) {
    const p = r.timeline[i];
    const x = timelinePoint(p.time + HOP / 2, 0, r.duration).x;
    // The strip's empty background, not the colour of (0, −1); and no arousal line drawn at −1.
    assertNear(px.at(x, mid), hexToRgb('#eceef2')!, 3, `ribbon at silent point ${i}`);
    assertNear(unmarked.at(x, mid), emotionToRgb(0, -1), 3, `ribbon at unmarked point ${i}`);
    const a = timelinePoint(p.time + HOP / 2, -1, r.duration);
    assertNear(unmarked.at(a.x, a.y - 0.5), arousal, 45, `arousal line at unmarked point ${i}`);
    assert.ok(dist(px.at(a.x, a.y - 0.5), arousal) > 60, `arousal line at silent point ${i}`);
  }
  for (const i of [5, 25]) {
    const p = r.timeline[i];
    const x = timelinePoint(p.time + HOP / 2, 0, r.duration).x;
    assertNear(px.at(x, mid), emotionToRgb(p.valence, p.arousal), 3, `ribbon at music point ${i}`);
  }
  const silent: AnalysisResult = {
    ...q1Result(),
    timeline: q1Result().timeline.map((p) => ({ time: p.time, valence: 0, arousal: -1 })),
    silence: [{ start: 0, end: N * HOP }],
    summary: { valence: 0, arousal: -1, quadrant: null, quadrantProbabilities: null, tempo: null, color: '#595959' },
  };
  assert.equal(pngSize(await renderEmotionPlot(silent)).width, PLOT_WIDTH);
});
