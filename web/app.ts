/**
 * The Sentio web app: listens to a file or the microphone, shows how the music feels every
 * 0.5 s (lamp, circumplex, timelines, quadrant and mood) and sends the points to the lights
 * bridge when the page is served by `sentio serve`. Everything runs in the page: nothing is
 * uploaded.
 *
 * - A file is analysed whole with the bundle's `analyzeWithLevels` (the code path of `sentio
 *   analyze`, so the timeline is the command's), then played; the views show the point of the
 *   segment being heard, and its song summary and exports are the command's.
 * - The microphone streams through `EmotionStream` (the analyser of `sentio live`) on the main
 *   thread: at most about 11 ms a hop in Node, small beside the 500 ms between hops.
 *
 * `window.sentioApp` exposes the state, timings and a 'point' event for tests, benchmarks and
 * the console.
 */
import {
  CSV_HEADER,
  EmotionStream,
  HOP_SECONDS,
  JSON_ARRAY_OPEN,
  LightMapper,
  activeBackend,
  analyzeWithLevels,
  frameRgb,
  jsonArrayClose,
  jsonArrayElement,
  livePointLine,
  loadModel,
  moodWord,
  playbackLightStates,
  playbackPoints,
  pointIndexAt,
  quadrantOf,
  rgbToHex,
  toCsvRows,
  type AnalysisResult,
  type EmotionModel,
  type LightState,
  type LivePoint,
  type PlaybackPoint,
} from './sentio.js';
import { BridgeClient, describeBridge } from './bridge.ts';
import { openMicrophone, type Microphone } from './microphone.ts';
import { drawCircumplex, drawTimelines, TIMELINE_SECONDS, type ViewPoint } from './views.ts';

function element<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no #${id}`);
  return e as T;
}

const ui = {
  file: element<HTMLInputElement>('file'),
  drop: element('drop'),
  listen: element<HTMLButtonElement>('listen'),
  stop: element<HTMLButtonElement>('stop'),
  player: element<HTMLAudioElement>('player'),
  spinner: element('spinner'),
  status: element('status'),
  error: element('error'),
  lamp: element('lamp'),
  lampCaption: element('lamp-caption'),
  moodNow: element('mood-now'),
  quadrantNow: element('quadrant-now'),
  valenceNow: element('valence-now'),
  arousalNow: element('arousal-now'),
  timeNow: element('time-now'),
  circumplex: element<HTMLCanvasElement>('circumplex'),
  timeline: element<HTMLCanvasElement>('timeline'),
  summary: element('summary'),
  exportJson: element<HTMLButtonElement>('export-json'),
  exportCsv: element<HTMLButtonElement>('export-csv'),
  exportJsonl: element<HTMLButtonElement>('export-jsonl'),
  bridge: element('bridge'),
};

/** A file: its analysis, the points as the lamp and bridge read them, and the lamp at each. */
interface FileSession {
  name: string;
  result: AnalysisResult;
  segmentLevelsDb: number[];
  points: PlaybackPoint[];
  lights: LightState[];
  url: string;
  /** Point on show, −1 before the first. */
  shownIndex: number;
}

/** The microphone: its stream, every point so far with its lamp state, and the analyser's cost per hop. */
interface LiveSession {
  sampleRate: number;
  label: string;
  stream: EmotionStream;
  mapper: LightMapper;
  points: LivePoint[];
  lights: LightState[];
  /** Main-thread time spent in `EmotionStream.push` per emitted hop (all chunks since the previous point), ms. */
  hopComputeMs: number[];
  /** `performance.now()` of each point's arrival. */
  arrivedAt: number[];
  startedAt: number;
  microphone: Microphone | null;
  pendingMs: number;
}

/** A point as the views and the bridge read it: a file's playback point or a live point. */
type ShowablePoint = ViewPoint & { latestLevelDb: number };

/** What a 'point' event carries. */
export interface ShownPoint {
  source: 'file' | 'microphone';
  index: number;
  point: ShowablePoint;
  light: LightState;
  /** The lamp's colour as shown, `#rrggbb` (rgb × brightness). */
  lamp: string;
  shownAt: number;
}

/** Milliseconds since navigation start (performance.now()) of the page's milestones. */
interface Timings {
  modelReady?: number;
  fileChosen?: number;
  analysed?: number;
  firstFilePoint?: number;
  listenPressed?: number;
  firstLivePoint?: number;
}

let model: EmotionModel | null = null;
let file: FileSession | null = null;
let live: LiveSession | null = null;
/** Bumped by every new file or microphone start, so a slow analysis cannot overwrite a newer source. */
let generation = 0;
const events = new EventTarget();
const timings: Timings = {};

const bridge = new BridgeClient((state) => {
  ui.bridge.textContent = describeBridge(state);
  ui.bridge.dataset.state = state.kind;
});

const sentioApp = {
  events,
  timings,
  bridge,
  get model() {
    return model;
  },
  get file() {
    return file;
  },
  get live() {
    return live;
  },
  backend: () => activeBackend(),
  openFile,
  listen,
  stopListening,
  /** The page's exports, as the download buttons write them (null when there is nothing to export). */
  exports: () => ({ json: fileJson(), csv: fileCsv(), jsonl: liveJsonLines() }),
};
export type SentioApp = typeof sentioApp;
declare global {
  interface Window {
    sentioApp: SentioApp;
  }
}
window.sentioApp = sentioApp;

// ─── status and errors ──────────────────────────────────────────────────────────────────────────

function setStatus(text: string, busy = false): void {
  ui.status.textContent = text;
  ui.spinner.hidden = !busy;
}

function showError(message: string): void {
  ui.error.textContent = message;
}

/** A file or the microphone failed to start: the status returns to ready (once the model is) and the error says why. */
function showFailure(message: string): void {
  setStatus(model ? 'Ready.' : '');
  showError(message);
}

const messageOf = (e: unknown): string => String((e as Error)?.message ?? e);

/** One line naming the file and the reason: AudioInputError's "name: reason", or the name added to another error. */
function fileProblem(name: string, e: unknown): string {
  const message = messageOf(e);
  return message.startsWith(`${name}: `) ? message : `${name}: ${message}`;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const clock = (s: number): string => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;

// ─── the views ──────────────────────────────────────────────────────────────────────────────────

/** Points the timelines show, ending at the current one: their last minute (the circumplex's trail is shorter). */
const HISTORY_POINTS = Math.ceil(TIMELINE_SECONDS / HOP_SECONDS) + 1;

/** Shows the last point of `history`: lamp, readouts, circumplex and timelines; sends it to the bridge; fires 'point'. */
function show(source: ShownPoint['source'], index: number, history: readonly ShowablePoint[], light: LightState): void {
  const { time, valence, arousal, silent, latestLevelDb } = history[history.length - 1];
  const point: ShowablePoint = { time, valence, arousal, silent, latestLevelDb };
  const lamp = rgbToHex(frameRgb(light));
  ui.lamp.style.backgroundColor = lamp;
  ui.lamp.setAttribute('aria-label', `Lamp: ${lamp}, ${light.mood}`);
  // The lamp is smoothed and keeps its quadrant with hysteresis (as sentio live's); the readout is the estimate itself.
  ui.lampCaption.textContent = `lamp ${lamp} · brightness ${Math.round(light.brightness * 100)} % · ${light.silent ? 'silence: dimmed' : `${light.quadrant} ${light.mood}`}`;
  ui.moodNow.textContent = point.silent ? 'silent' : moodWord(point.valence, point.arousal);
  ui.quadrantNow.textContent = point.silent ? '–' : quadrantOf(point.valence, point.arousal);
  ui.valenceNow.textContent = signed(point.valence);
  ui.arousalNow.textContent = signed(point.arousal);
  ui.timeNow.textContent = `${clock(point.time)} · input ${latestLevelDb.toFixed(0).replace('-', '−')} dBFS`;
  drawCircumplex(ui.circumplex, history, lamp);
  ui.circumplex.setAttribute('aria-label', `Circumplex: valence ${signed(point.valence)}, arousal ${signed(point.arousal)}`);
  ui.timeline.hidden = false;
  drawTimelines(ui.timeline, history, HOP_SECONDS, point.time);
  bridge.send(point);
  const detail: ShownPoint = { source, index, point, light, lamp, shownAt: performance.now() };
  events.dispatchEvent(new CustomEvent('point', { detail }));
}

function renderSummary(result: AnalysisResult): void {
  const s = result.summary;
  element('swatch').style.backgroundColor = s.color;
  element('name').textContent = `${result.file} (${result.duration.toFixed(1)} s)`;
  // An all-silent file has no quadrant, probabilities or tempo (result.silence covers it).
  element('mood').textContent = s.quadrant === null ? 'silent' : moodWord(s.valence, s.arousal);
  element('va').textContent = `${signed(s.valence)} / ${signed(s.arousal)}`;
  element('quadrant').textContent = s.quadrant === null || !s.quadrantProbabilities ? '–' : `${s.quadrant} (p = ${s.quadrantProbabilities[s.quadrant].toFixed(2)})`;
  element('tempo').textContent = s.tempo === null ? '–' : `${s.tempo.toFixed(0)} BPM`;
  element('colour').textContent = s.color;
  element('silence').textContent = result.silence.length === 0 ? 'none' : result.silence.map((r) => `${r.start.toFixed(1)}–${r.end.toFixed(1)} s`).join(', ');
  ui.summary.hidden = false;
}

// ─── a file ─────────────────────────────────────────────────────────────────────────────────────

function showFilePoint(f: FileSession, k: number): void {
  f.shownIndex = k;
  timings.firstFilePoint ??= performance.now();
  show('file', k, f.points.slice(Math.max(0, k + 1 - HISTORY_POINTS), k + 1), f.lights[k]);
}

/** Shows the point of the segment being played, when it changed; a jump back starts a new bridge stream. */
function followPlayback(): void {
  const f = file;
  if (!f || live) return;
  const k = pointIndexAt(f.result, ui.player.currentTime);
  if (k === f.shownIndex) return;
  if (k < f.shownIndex) bridge.newStream();
  showFilePoint(f, k);
}

function animate(): void {
  followPlayback();
  if (!ui.player.paused && !ui.player.ended) requestAnimationFrame(animate);
}

ui.player.addEventListener('play', () => requestAnimationFrame(animate));
// rAF stops in a background tab; these keep the lights bridge fed there (about 4 times a second).
ui.player.addEventListener('timeupdate', followPlayback);
ui.player.addEventListener('seeked', followPlayback);
ui.player.addEventListener('error', () => {
  if (file) setStatus(`${ui.status.textContent} This browser cannot play ${file.name}; the analysis is shown for its start.`);
});

function stopPlayback(): void {
  ui.player.pause();
  if (file) URL.revokeObjectURL(file.url);
  ui.player.removeAttribute('src');
  ui.player.load();
  ui.player.hidden = true;
}

async function openFile(chosen: File): Promise<void> {
  const mine = ++generation;
  showError('');
  await stopListening();
  stopPlayback();
  file = null;
  live = null;
  updateExports();
  timings.fileChosen = performance.now();
  timings.analysed = timings.firstFilePoint = undefined;
  setStatus(`Analysing ${chosen.name}…`, true);
  let analysis: Awaited<ReturnType<typeof analyzeWithLevels>>;
  try {
    const m = model ?? (await modelReady);
    analysis = await analyzeWithLevels(chosen, { model: m, name: chosen.name });
  } catch (e) {
    if (mine !== generation) return;
    showFailure(fileProblem(chosen.name, e));
    return;
  }
  if (mine !== generation) return;
  timings.analysed = performance.now();
  const points = playbackPoints(analysis.result, analysis.segmentLevelsDb);
  const f: FileSession = {
    name: chosen.name,
    result: analysis.result,
    segmentLevelsDb: analysis.segmentLevelsDb,
    points,
    lights: playbackLightStates(points),
    url: URL.createObjectURL(chosen),
    shownIndex: -1,
  };
  file = f;
  renderSummary(f.result);
  updateExports();
  setStatus(`Done in ${((timings.analysed - timings.fileChosen) / 1000).toFixed(2)} s.`);
  bridge.newStream();
  showFilePoint(f, 0);
  ui.player.src = f.url;
  ui.player.hidden = false;
  // Autoplay may be refused (the choice of file was the gesture, and analysis took time): the controls remain.
  ui.player.play().catch((e: DOMException) => {
    if (file === f && e.name === 'NotAllowedError') setStatus(`${ui.status.textContent} Press play to follow it.`);
  });
}

ui.file.addEventListener('change', () => {
  const chosen = ui.file.files?.[0];
  if (chosen) void openFile(chosen);
});
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  const dropped = e.dataTransfer?.files[0];
  if (dropped) void openFile(dropped);
});

// ─── the microphone ─────────────────────────────────────────────────────────────────────────────

const listeningTo = ({ label, sampleRate }: { label: string; sampleRate: number }): string => `Listening${label ? ` to ${label}` : ''} at ${sampleRate} Hz`;

function onChunk(session: LiveSession, samples: Float32Array): void {
  if (live !== session) return;
  events.dispatchEvent(new CustomEvent('chunk', { detail: samples }));
  let points: LivePoint[];
  const started = performance.now();
  try {
    points = session.stream.push(samples);
  } catch (e) {
    showError(messageOf(e));
    void stopListening();
    return;
  }
  session.pendingMs += performance.now() - started;
  if (points.length === 0) return;
  session.hopComputeMs.push(session.pendingMs);
  session.pendingMs = 0;
  for (const p of points) {
    const light = session.mapper.push(p);
    session.points.push(p);
    session.lights.push(light);
    const now = performance.now();
    session.arrivedAt.push(now);
    timings.firstLivePoint ??= now;
    show('microphone', session.points.length - 1, session.points.slice(-HISTORY_POINTS), light);
  }
  setStatus(`${listeningTo(session)}: ${session.points.length} points.`);
  updateExports();
}

async function listen(): Promise<void> {
  const mine = ++generation;
  showError('');
  stopPlayback();
  file = null;
  ui.listen.disabled = true;
  timings.listenPressed = performance.now();
  timings.firstLivePoint = undefined;
  setStatus('Opening the microphone…', true);
  try {
    const m = model ?? (await modelReady);
    let session: LiveSession | null = null;
    const microphone = await openMicrophone(new URL('./capture-worklet.js', import.meta.url), (samples) => session && onChunk(session, samples));
    if (mine !== generation) {
      await microphone.close();
      return;
    }
    // Created in the same task as the microphone resolved, before any chunk message is dispatched.
    session = {
      sampleRate: microphone.sampleRate,
      label: microphone.label,
      stream: new EmotionStream(m, { sampleRate: microphone.sampleRate, name: 'microphone' }),
      mapper: new LightMapper(),
      points: [],
      lights: [],
      hopComputeMs: [],
      arrivedAt: [],
      startedAt: performance.now(),
      microphone,
      pendingMs: 0,
    };
    live = session;
    bridge.newStream();
    updateExports();
    ui.stop.disabled = false;
    setStatus(`${listeningTo(microphone)}: the first point comes after about 4 s.`, true);
  } catch (e) {
    if (mine !== generation) return;
    ui.listen.disabled = false;
    showFailure(messageOf(e));
  }
}

/** Stops the microphone at once (as Ctrl-C stops `sentio live`); its points stay for export. */
async function stopListening(): Promise<void> {
  const session = live;
  if (!session?.microphone) return;
  const microphone = session.microphone;
  session.microphone = null;
  ui.stop.disabled = true;
  ui.listen.disabled = false;
  await microphone.close();
  setStatus(`Stopped after ${session.stream.seconds.toFixed(1)} s of audio (${session.points.length} points).`);
  live = session.points.length ? session : null;
  // The exports keep the stopped session; a file chosen next replaces it.
  if (!live) updateExports();
}

ui.listen.addEventListener('click', () => void listen());
ui.stop.addEventListener('click', () => void stopListening());

// ─── exports: the command line's formats ────────────────────────────────────────────────────────

/** `sentio analyze --format json` of the file. */
function fileJson(): string | null {
  return file ? JSON_ARRAY_OPEN + jsonArrayElement(file.result, 0) + jsonArrayClose(1) : null;
}

/** `sentio analyze --format csv` of the file. */
function fileCsv(): string | null {
  return file ? CSV_HEADER + toCsvRows(file.result) : null;
}

/** `sentio live --jsonl` of the microphone's points. */
function liveJsonLines(): string | null {
  return live && live.points.length ? live.points.map((p) => `${livePointLine(p)}\n`).join('') : null;
}

function updateExports(): void {
  ui.exportJson.disabled = ui.exportCsv.disabled = !file || live !== null;
  ui.exportJsonl.disabled = !live?.points.length;
}

function download(name: string, text: string | null, type: string): void {
  if (text === null) return;
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stem = (name: string): string => name.replace(/\.[^.]*$/, '') || name;
ui.exportJson.addEventListener('click', () => file && download(`${stem(file.name)}.sentio.json`, fileJson(), 'application/json'));
ui.exportCsv.addEventListener('click', () => file && download(`${stem(file.name)}.sentio.csv`, fileCsv(), 'text/csv'));
ui.exportJsonl.addEventListener('click', () => download(`microphone-${new Date().toISOString().replace(/[:.]/g, '-')}.sentio.jsonl`, liveJsonLines(), 'application/x-ndjson'));

// ─── start ──────────────────────────────────────────────────────────────────────────────────────

window.addEventListener('resize', () => {
  const f = file;
  if (f && f.shownIndex >= 0 && !live) showFilePoint(f, f.shownIndex);
});

const modelReady: Promise<EmotionModel> = loadModel();
modelReady.then(
  (m) => {
    model = m;
    timings.modelReady = performance.now();
    if (ui.status.textContent === 'Loading the model…') setStatus('Ready.');
    ui.listen.disabled = false;
  },
  (e) => {
    setStatus('');
    showError(`The model could not be loaded: ${messageOf(e)}`);
  },
);
bridge.start();
updateExports();
