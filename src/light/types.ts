/**
 * What flows from the emotion stage to the lights: one {@link LightState} per 0.5 s estimate
 * (after smoothing and the colour mapping), which every sink turns into its own protocol.
 * Pure types; browser-safe.
 */
import type { Quadrant } from '../data/types.ts';
import type { Rgb } from './color.ts';

export type { Rgb };

/** The look a light should have for one emotion estimate. */
export interface LightState {
  /** Colour at full brightness, 0–255 sRGB (hue and saturation of the mapping). */
  rgb: Rgb;
  /** How bright the light is, 0–1 (the palette's brightness law; silence dims it). */
  brightness: number;
  /** The (smoothed) estimate the colour was made from, for sinks that publish data. */
  valence: number;
  arousal: number;
  /** Quadrant after hysteresis: the one a lamp shows. */
  quadrant: Quadrant;
  mood: string;
  /** The audio under the silence gate: the light shows its calm dim state. */
  silent: boolean;
  /** Stream time of the estimate, seconds. */
  time: number;
}

/** What a sink leaves its device in when Sentio stops. */
export type FinalState = 'keep' | 'restore' | 'off';
export const FINAL_STATES: readonly FinalState[] = ['keep', 'restore', 'off'];

export type SinkStatus = 'connecting' | 'online' | 'offline' | 'closed';

/** A light output. `update` never blocks; each sink paces and sends on its own. */
export interface LightSink {
  /** Kind and address, e.g. `wled-ddp 192.168.1.40:4048`: what the live view shows. */
  readonly name: string;
  readonly status: SinkStatus;
  /** Opens sockets and starts the frame loop. An unreachable device is not an error: it is offline and retried. */
  start(): Promise<void>;
  /** The newest target state; replaces any not yet shown (after the output delay). */
  update(state: LightState): void;
  /** Sends the final state, stops the loop and closes sockets; resolves within about 1 s. */
  close(final: FinalState): Promise<void>;
  /** Called on every status change (the live view prints `offline` / `online` lines). */
  onStatus(listener: (status: SinkStatus, detail: string) => void): void;
  /** Frames sent and frames dropped (device busy or rate-limited), for the live view and tests. */
  readonly stats: { sent: number; dropped: number; errors: number };
}
