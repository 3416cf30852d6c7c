/**
 * The light end of every live path: emotion points → {@link LightMapper} → each sink. `sentio
 * live` (analyze/live.ts) and `sentio serve`'s bridge (serve/bridge.ts) both drive their lights
 * through one of these, so a point gives the same light state and the same frames either way.
 */
import type { LightInputPoint, LightMapper } from './smoothing.ts';
import type { FinalState, LightSink, LightState } from './types.ts';

export class LightChain {
  constructor(
    readonly mapper: LightMapper,
    readonly sinks: readonly LightSink[],
  ) {}

  /** Starts every sink (an unreachable device is offline and retried, not an error). */
  async start(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.start()));
  }

  /** Maps one point and hands the state to every sink; returns the state. */
  push(point: LightInputPoint): LightState {
    const state = this.mapper.push(point);
    for (const sink of this.sinks) sink.update(state);
    return state;
  }

  /** Leaves every sink in `final` and closes it. */
  async close(final: FinalState): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close(final)));
  }
}
