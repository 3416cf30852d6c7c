/** LightStates for the light-sink tests: a plausible estimate, with any field overridden. */
import type { LightState } from '../../src/light/types.ts';

export function lightState(over: Partial<LightState> = {}): LightState {
  return {
    rgb: { r: 255, g: 128, b: 0 },
    brightness: 1,
    valence: 0.5,
    arousal: 0.5,
    quadrant: 'Q1',
    mood: 'happy',
    silent: false,
    time: 0,
    ...over,
  };
}

/** Resolves when `check()` is true; rejects after `timeoutMs` naming `what` (every wait in a test is bounded). */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
