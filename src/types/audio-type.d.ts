declare module 'audio-type' {
  /** Detects an audio container/codec from the first bytes; undefined when unknown. */
  export default function audioType(bytes: Uint8Array | ArrayBuffer): string | undefined;
}

declare module 'essentia.js' {
  const pkg: { Essentia: unknown; EssentiaWASM: unknown };
  export default pkg;
}
