/**
 * The terminal view of `sentio live`: a colour swatch of the lamp, valence and arousal bars, the
 * quadrant and mood word and the input level, redrawn in place on a terminal (one status line
 * per light sink below it), or one plain line per point when the output is a pipe or a file.
 */
import type { LivePoint } from '../analyze/stream.ts';
import { frameRgb } from '../light/sinks/sink.ts';
import type { LightState, SinkStatus } from '../light/types.ts';

export interface ViewOutput {
  write(text: string): unknown;
}

const BAR_HALF = 10;

/** `[·····|███·······]`: a value in [-1, 1] as a bar filled from the centre. */
export function bar(value: number): string {
  const cells = Math.round(Math.min(1, Math.abs(value)) * BAR_HALF);
  const left = value < 0 ? '·'.repeat(BAR_HALF - cells) + '█'.repeat(cells) : '·'.repeat(BAR_HALF);
  const right = value > 0 ? '█'.repeat(cells) + '·'.repeat(BAR_HALF - cells) : '·'.repeat(BAR_HALF);
  return `[${left}|${right}]`;
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const clock = (s: number) => `${Math.floor(s / 60)}:${Math.floor(s % 60).toString().padStart(2, '0')}`;
const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export class LiveView {
  private readonly sinks = new Map<string, { status: SinkStatus; detail: string }>();
  private drawnLines = 0;

  /** `tty`: redraw in place with colour; otherwise plain lines. */
  constructor(private readonly out: ViewOutput, private readonly tty: boolean) {}

  /** Registers a sink's status (plain mode prints a line on every change). */
  sinkStatus(name: string, status: SinkStatus, detail: string): void {
    const before = this.sinks.get(name)?.status;
    this.sinks.set(name, { status, detail });
    if (!this.tty && before !== status && status !== 'connecting') this.out.write(`${name}: ${status}${detail ? ` (${detail})` : ''}\n`);
  }

  point(point: LivePoint, light: LightState | null): void {
    const shown = light ?? null;
    const v = shown ? shown.valence : point.valence;
    const a = shown ? shown.arousal : point.arousal;
    // Without a lamp, a silent point (below the analyser's gate) has no quadrant to show.
    const quadrant = shown ? shown.quadrant : (point.quadrant ?? 'silent');
    const mood = shown ? shown.mood : '';
    const rgb = shown ? frameRgb(shown) : null;
    const colour = rgb ? hex(rgb.r, rgb.g, rgb.b) : point.color;
    const level = `${point.latestLevelDb.toFixed(0)} dB`;
    if (!this.tty) {
      this.out.write(`${point.time.toFixed(1).padStart(7)} s  ${quadrant} ${mood.padEnd(10)} valence ${signed(point.valence)}  arousal ${signed(point.arousal)}  lamp ${colour}${shown?.silent ? ' (silence)' : ''}  level ${level}\n`);
      return;
    }
    const swatch = rgb ? `\x1b[48;2;${rgb.r};${rgb.g};${rgb.b}m          \x1b[0m` : '          ';
    const lines = [
      `${swatch}  ${clock(point.time)}  \x1b[1m${quadrant} ${mood}\x1b[0m${shown?.silent ? ' (silence: lamp dimmed)' : ''}`,
      `${swatch}  valence ${signed(v)} ${bar(v)}   arousal ${signed(a)} ${bar(a)}`,
      `${swatch}  lamp ${colour}  brightness ${Math.round((shown?.brightness ?? 1) * 100)} %  input ${level}`,
      ...[...this.sinks].map(([name, s]) => `  ${s.status === 'online' ? '\x1b[32m●\x1b[0m' : '\x1b[31m○\x1b[0m'} ${name} ${s.status}${s.status === 'offline' && s.detail ? ` (${s.detail})` : ''}`),
    ];
    // Back to the first line of the previous drawing, then overwrite every line.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r` : '';
    this.out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    this.drawnLines = lines.length;
  }
}
