/** What the main thread and the capture worklet agree on (imported by both; the build inlines it). */

/** The name the worklet registers and the main thread creates its AudioWorkletNode with. */
export const CAPTURE_PROCESSOR = 'sentio-capture';

/** Frames per posted chunk: 2048 is 43 ms at 48 kHz, short beside the 0.5 s hop, and 23 messages a second instead of 375. */
export const CHUNK_FRAMES = 2048;
