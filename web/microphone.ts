/**
 * The microphone as mono Float32 chunks: getUserMedia → MediaStreamSource → the capture worklet
 * (capture-worklet.ts) → the main thread. The browser's voice processing (echo cancellation,
 * noise suppression, automatic gain) is turned off: it is made for speech, and would reshape
 * the music the model listens to.
 */
import { CAPTURE_PROCESSOR } from './capture-protocol.ts';

export interface Microphone {
  /** Rate of the chunks, Hz: the AudioContext's (usually the device's, e.g. 48000). */
  readonly sampleRate: number;
  /** The device's name, as the browser gives it ('' until permission is granted on some browsers). */
  readonly label: string;
  /** Stops capturing and releases the device. */
  close(): Promise<void>;
}

/** A microphone that cannot be opened; the message is for people. */
export class MicrophoneError extends Error {
  override name = 'MicrophoneError';
}

/** Why getUserMedia or the audio graph failed, in words (DOMException names per the Media Capture spec). */
export function microphoneProblem(e: unknown): string {
  const name = (e as { name?: string })?.name;
  const detail = (e as Error)?.message ? ` (${(e as Error).message})` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'Microphone access was refused. Allow the microphone for this page in the browser’s site settings, then press “Listen” again.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'No microphone was found. Connect one (or pick an input device in the system settings) and press “Listen” again.';
    case 'NotReadableError':
    case 'TrackStartError':
      return `The microphone could not be started: another application may be using it${detail}.`;
    case 'OverconstrainedError':
      return `The microphone does not support the requested settings${detail}.`;
    case 'SecurityError':
      return 'The microphone is blocked on this page (it needs https or localhost, and no policy forbidding it).';
    default:
      return `The microphone could not be opened${detail || (e ? ` (${String(e)})` : '')}.`;
  }
}

/** Opens the default microphone; `onChunk` gets every chunk of mono samples on the main thread. */
export async function openMicrophone(workletUrl: URL, onChunk: (samples: Float32Array) => void): Promise<Microphone> {
  // Absent outside a secure context (http on another host than localhost) and in old browsers.
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('The microphone is not available here: browsers offer it only to pages served over https or from localhost.');
  }
  if (typeof AudioWorkletNode === 'undefined') throw new MicrophoneError('This browser has no AudioWorklet, which listening needs.');
  let media: MediaStream;
  try {
    media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
  } catch (e) {
    throw new MicrophoneError(microphoneProblem(e));
  }
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(media);
    const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    node.port.onmessage = (event: MessageEvent<Float32Array>) => onChunk(event.data);
    source.connect(node);
    // The worklet writes silence to its output; connecting it keeps the graph pulling it in every browser.
    node.connect(context.destination);
    if (context.state === 'suspended') await context.resume();
    const track = media.getAudioTracks()[0];
    return {
      sampleRate: context.sampleRate,
      label: track?.label ?? '',
      async close() {
        node.port.onmessage = null;
        for (const t of media.getTracks()) t.stop();
        await context.close();
      },
    };
  } catch (e) {
    for (const t of media.getTracks()) t.stop();
    await context.close().catch(() => {});
    throw new MicrophoneError(microphoneProblem(e));
  }
}
