// The AudioWorkletGlobalScope names capture-worklet.ts uses. TypeScript's libs have no AudioWorklet
// scope (the @types/audioworklet package has; these few lines spare a dependency).
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}
declare function registerProcessor(name: string, processorCtor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;
