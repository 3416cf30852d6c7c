/**
 * `sentio live`: music in (raw PCM on stdin, or a file played at real-time pace or as fast as
 * possible), emotion and light out — a terminal view, JSON Lines, and the light sinks of a
 * config file or flags. Ctrl-C / SIGTERM and the end of input stop it within a second, leaving
 * every sink in its final state.
 */
import type { AudioInfo } from '../audio/decode.ts';
import { AudioInputError } from '../audio/errors.ts';
import { streamAudioFile } from '../audio/file.ts';
import { PcmDecoder, pcmFormatProblem, type PcmEncoding } from '../audio/pcm.ts';
import { paceRealtime, rechunk } from '../audio/realtime.ts';
import { livePointLine } from '../analyze/format.ts';
import { decodeRateFor } from '../features/types.ts';
import { runLive } from '../analyze/live.ts';
import { DEFAULT_MODEL_DIR, loadModel } from '../analyze/node.ts';
import { modelFeatureSet } from '../analyze/emotion-model.ts';
import { liveRateProblem, type LivePoint, type StartupMode } from '../analyze/stream.ts';
import { buildLightSetup, loadLightConfig, type LightFlags } from '../light/config.ts';
import { ConfigError } from '../light/sinks/config.ts';
import { LightMapper } from '../light/smoothing.ts';
import { FINAL_STATES, type FinalState } from '../light/types.ts';
import type { Console } from './features.ts';
import { LiveView } from './live-view.ts';
import { positiveInt } from './options.ts';
import { EXIT, SIGNAL_EXIT, UsageError } from './report.ts';

export interface LiveCommandOptions extends LightFlags {
  model?: string;
  /** Raw PCM on stdin only (defaults 44100, 2, s16le). */
  rate?: string;
  channels?: string;
  encoding?: string;
  realtime?: boolean;
  jsonl?: boolean;
  view: boolean;
  config?: string;
  final?: string;
  startup: string;
  verbose?: boolean;
}

export interface LiveIo extends Console {
  /** Raw PCM input (process.stdin). */
  stdin: AsyncIterable<Uint8Array> & { isTTY?: boolean };
  /** Whether stdout is a terminal (the view goes there unless --jsonl takes it). */
  stdoutIsTTY: boolean;
  /** Resolves with the signal name when the run should stop (SIGINT, SIGTERM). */
  stopSignal: Promise<keyof typeof SIGNAL_EXIT>;
}

/** Mono chunks of raw PCM read from `input`; the first byte must come, or the input was empty. */
async function* pcmChunks(input: AsyncIterable<Uint8Array>, decoder: PcmDecoder, name: string): AsyncGenerator<Float32Array> {
  for await (const bytes of input) {
    const y = decoder.push(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    if (y.length) yield y;
  }
  if (decoder.bytes === 0) throw new AudioInputError(name, 'no audio: the input closed before any sample arrived');
}

export async function liveCommand(input: string | undefined, o: LiveCommandOptions, io: LiveIo): Promise<number> {
  // Everything is checked before anything starts: the light config, the format, the model.
  const startup = o.startup as StartupMode;
  if (startup !== 'short-window' && startup !== 'full-window') throw new UsageError(`--startup must be short-window or full-window, got '${o.startup}'`);
  if (o.final !== undefined && !(FINAL_STATES as readonly string[]).includes(o.final)) throw new UsageError(`--final must be one of ${FINAL_STATES.join(', ')}, got '${o.final}'`);
  let config;
  try {
    config = await loadLightConfig(o.config, o);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const final = (o.final as FinalState | undefined) ?? config.final;
  const fromStdin = input === undefined || input === '-';
  if (!fromStdin && (o.rate ?? o.channels ?? o.encoding) !== undefined) {
    throw new UsageError('--rate, --channels and --encoding describe raw PCM on stdin; a file says its own format');
  }
  if (o.realtime && fromStdin) throw new UsageError('--realtime paces a file; stdin already arrives in real time');
  if (fromStdin && io.stdin.isTTY) throw new UsageError('stdin is a terminal: pipe raw PCM into sentio live (see sentio live --help) or give an audio file');
  const model = await loadModel(o.model ?? DEFAULT_MODEL_DIR);
  const set = modelFeatureSet(model.card);

  let chunks: AsyncIterable<Float32Array>;
  let sampleRate: number;
  let name: string;
  if (fromStdin) {
    name = 'stdin';
    sampleRate = positiveInt('--rate', o.rate ?? '44100');
    const channels = positiveInt('--channels', o.channels ?? '2');
    const format = { encoding: (o.encoding ?? 's16le') as PcmEncoding, channels };
    const problem = pcmFormatProblem(format) ?? liveRateProblem(sampleRate, set);
    if (problem) throw new UsageError(`stdin: ${problem}`);
    chunks = pcmChunks(io.stdin, new PcmDecoder(format), name);
  } else {
    name = input!;
    // The format (and so the rate) is known once decoding starts: read the first chunk first.
    let info: AudioInfo | undefined;
    const decoded = streamAudioFile(name, { sampleRate: decodeRateFor(set) }, (i) => (info = i));
    const first = await decoded.next();
    if (first.done || !info) throw new AudioInputError(name, 'no audio samples decoded');
    sampleRate = info.sampleRate;
    const all = (async function* () {
      yield first.value;
      yield* decoded;
    })();
    // As fast as possible still goes hop by hop, so the view and the lights see every point in turn.
    chunks = o.realtime ? paceRealtime(all, sampleRate) : rechunk(all, Math.round(sampleRate / 2));
  }

  const light = buildLightSetup(config);
  const mapper = new LightMapper(config.colour, config.smoothing);
  const viewOut = o.jsonl ? io.stderr : io.stdout;
  const view = o.view ? new LiveView(viewOut, o.jsonl ? io.isTTY : io.stdoutIsTTY) : null;
  for (const sink of light.sinks) sink.onStatus((status, detail) => view?.sinkStatus(sink.name, status, detail));
  if (view) for (const sink of light.sinks) view.sinkStatus(sink.name, sink.status, '');

  const abort = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT | undefined;
  void io.stopSignal.then((s) => {
    stoppedBy = s;
    abort.abort();
  });
  const summary = await runLive(chunks, {
    model,
    sampleRate,
    startup,
    name,
    mapper,
    sinks: light.sinks,
    final,
    signal: abort.signal,
    onPoint: (point: LivePoint, state) => {
      if (o.jsonl) io.stdout.write(`${livePointLine(point)}\n`);
      view?.point(point, state);
    },
  });
  if (stoppedBy) {
    io.stderr.write(`sentio live: stopped by ${stoppedBy} after ${summary.seconds.toFixed(1)} s of audio (${summary.points} points); lights left '${final}'\n`);
    return SIGNAL_EXIT[stoppedBy];
  }
  if (summary.points === 0) io.stderr.write(`sentio live: ${name}: ${summary.seconds.toFixed(2)} s of audio, no point emitted\n`);
  return EXIT.ok;
}
