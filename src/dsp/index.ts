/** Signal processing with librosa's conventions (and pyAudioAnalysis' short-term features). */
export * from './matrix.ts';
export { realFft, type RealFft } from './fft.ts';
export { getWindow, padCenter, type WindowName } from './window.ts';
export { spectrogram, forEachStftFrame, frameCount, fftFrequencies, framesToTime, type StftOptions } from './stft.ts';
export { StreamingFramer } from './framer.ts';
export { hzToMel, melToHz, melFrequencies, melFilterbank, melSpectrogram, type MelOptions, type MelSpectrogramOptions } from './mel.ts';
export { powerToDb, amplitudeToDb, type PowerToDbOptions } from './convert.ts';
export { mfcc, dctII, type MfccOptions } from './mfcc.ts';
export { delta, type DeltaOptions } from './delta.ts';
export { spectralCentroid, spectralBandwidth, spectralRolloff, spectralFlatness, spectralContrast } from './spectral.ts';
export { zeroCrossingRate, rms, frame } from './temporal.ts';
export { chromaFilterbank, chromaStft, estimateTuning, piptrack } from './chroma.ts';
export { onsetStrength } from './onset.ts';
export { tempo, tempogram, beatTrack } from './beat.ts';
export { pyAudioAnalysisFeatures, pyaaMfccFilterbank, PYAA_FEATURE_NAMES } from './pyaa.ts';
