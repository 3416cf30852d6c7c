/**
 * The live chain: mono chunks → {@link EmotionStream} → light mapping (smoothing, hysteresis,
 * palette, silence gate) → light sinks, plus a callback per point for the terminal view and
 * JSON Lines. Universal (no Node imports): the CLI feeds it stdin or a file, the browser a
 * microphone.
 *
 * Stopping: at the end of the input the remaining points are emitted (`finish`, as offline);
 * when `signal` aborts (Ctrl-C, SIGTERM) the chain stops at once, even while the input is
 * blocked waiting for data, without waiting for the rest of the window. Either way every sink
 * then gets its final state and is closed.
 */
import type { FinalState, LightSink, LightState } from '../light/types.ts';
import type { LightMapper } from '../light/smoothing.ts';
import { LightChain } from '../light/chain.ts';
import type { EmotionModel } from './emotion-model.ts';
import { EmotionStream, type LivePoint, type StartupMode } from './stream.ts';

export interface LiveOptions {
  model: EmotionModel;
  /** Rate of the chunks, Hz. */
  sampleRate: number;
  startup?: StartupMode;
  /** Name in errors ('stdin', a path). */
  name?: string;
  /** Turns points into light states; required when there are sinks. */
  mapper?: LightMapper;
  sinks?: readonly LightSink[];
  /** What the sinks are left showing. Default 'keep'. */
  final?: FinalState;
  /** Every point as it is emitted, with its light state (null without a mapper). */
  onPoint?: (point: LivePoint, light: LightState | null) => void;
  /** Stops the chain (the input is abandoned, no further points). */
  signal?: AbortSignal;
}

export interface LiveSummary {
  /** Points emitted. */
  points: number;
  /** Seconds of audio received. */
  seconds: number;
  /** Why it stopped. */
  reason: 'end' | 'aborted';
}

export async function runLive(chunks: AsyncIterable<Float32Array>, options: LiveOptions): Promise<LiveSummary> {
  const { mapper, sinks = [], signal } = options;
  if (sinks.length && !mapper) throw new Error('runLive: sinks need a light mapper');
  const stream = new EmotionStream(options.model, { sampleRate: options.sampleRate, startup: options.startup, name: options.name });
  const chain = mapper ? new LightChain(mapper, sinks) : null;
  let points = 0;
  const emit = (list: LivePoint[]) => {
    for (const point of list) {
      const light = chain ? chain.push(point) : null;
      points++;
      options.onPoint?.(point, light);
    }
  };
  await chain?.start();
  const iterator = chunks[Symbol.asyncIterator]();
  let reason: LiveSummary['reason'] = 'end';
  try {
    const aborted = new Promise<'aborted'>((resolve) => {
      if (signal?.aborted) resolve('aborted');
      signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') {
        reason = 'aborted';
        break;
      }
      if (next.done) break;
      emit(stream.push(next.value));
    }
    if (reason === 'end') emit(stream.finish());
  } finally {
    // A blocked read is left behind on abort; returning the iterator releases the input.
    if (reason === 'aborted') void Promise.resolve(iterator.return?.()).catch(() => {});
    await chain?.close(options.final ?? 'keep');
  }
  return { points, seconds: stream.seconds, reason };
}
