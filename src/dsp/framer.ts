/**
 * Streaming framing: cuts a signal fed in arbitrary chunks into frames exactly like the
 * offline STFT (same centre padding, same frame count), so online and offline feature
 * extraction give identical frames.
 */
export class StreamingFramer {
  private buf: Float32Array;
  /** Absolute sample index of buf[0] (negative while inside the left centre pad). */
  private origin: number;
  private length = 0;
  private total = 0;
  private next = 0;
  /** Scratch frame for the zero-padded right edge; whole frames are views into `buf`. */
  private readonly edge: Float32Array;

  /**
   * @param frameLength samples per frame
   * @param hopLength samples between frame starts
   * @param center pad frameLength/2 zeros on both sides (librosa center=True, zero padding)
   * @param onFrame receives frame t, not windowed: a view into the framer's buffer (no copy,
   *   which was ~8 % of the default feature set's time), valid only during the call
   */
  constructor(
    private readonly frameLength: number,
    private readonly hopLength: number,
    private readonly center: boolean,
    private readonly onFrame: (frame: Float32Array, t: number) => void,
  ) {
    this.edge = new Float32Array(frameLength);
    const pad = center ? frameLength >> 1 : 0;
    this.buf = new Float32Array(Math.max(1 << 15, 4 * frameLength));
    this.origin = -pad;
    this.length = pad; // the left pad is zeros already in buf
  }

  /** Frames emitted so far. */
  get frames(): number {
    return this.next;
  }

  push(x: Float32Array): void {
    this.append(x);
    this.total += x.length;
    this.drain(false);
  }

  /** End of stream: pads the right edge (when centred) and emits the last frames. */
  finish(): number {
    if (this.center) this.append(new Float32Array(this.frameLength >> 1));
    this.drain(true);
    return this.next;
  }

  private append(x: Float32Array): void {
    if (this.length + x.length > this.buf.length) {
      // Drop samples no future frame needs, then grow if still short.
      const keepFrom = this.next * this.hopLength - (this.center ? this.frameLength >> 1 : 0);
      const drop = Math.max(0, Math.min(this.length, keepFrom - this.origin));
      if (drop > 0) {
        this.buf.copyWithin(0, drop, this.length);
        this.length -= drop;
        this.origin += drop;
      }
      if (this.length + x.length > this.buf.length) {
        const grown = new Float32Array(Math.max(2 * this.buf.length, this.length + x.length));
        grown.set(this.buf.subarray(0, this.length));
        this.buf = grown;
      }
    }
    this.buf.set(x, this.length);
    this.length += x.length;
  }

  private drain(final: boolean): void {
    const pad = this.center ? this.frameLength >> 1 : 0;
    // Offline frame count: 1 + floor(len / hop) centred, 1 + floor((len − n) / hop) otherwise.
    const totalFrames = final ? (this.center ? 1 + Math.floor(this.total / this.hopLength) : this.total >= this.frameLength ? 1 + Math.floor((this.total - this.frameLength) / this.hopLength) : 0) : Infinity;
    for (;;) {
      if (this.next >= totalFrames) break;
      const start = this.next * this.hopLength - pad;
      const j = start - this.origin;
      if (j + this.frameLength > this.length) {
        if (!final) break;
      }
      const n = this.frameLength;
      let frame: Float32Array;
      if (j + n <= this.length) frame = this.buf.subarray(j, j + n);
      else {
        const avail = Math.max(0, this.length - j);
        this.edge.set(this.buf.subarray(j, j + avail));
        this.edge.fill(0, avail);
        frame = this.edge;
      }
      this.onFrame(frame, this.next);
      this.next++;
    }
  }
}
