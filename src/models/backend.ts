/**
 * TensorFlow.js backend selection, with the training kernels that tfjs-backend-wasm 4.22
 * lacks or gets wrong registered through tfjs's own kernel registry:
 *
 * - `Conv2DBackpropFilter` (the filter gradient of every Conv1D/Conv2D layer) is missing:
 *   we compute it as one matrix product per filter tap, composed from the backend's own
 *   StridedSlice/Reshape/BatchMatMul kernels, so the heavy part runs in wasm (XNNPACK).
 * - `MaxPoolGrad` routes the gradient wrongly when a window's maximum is ≤ 0: we replace it
 *   with the cpu backend's semantics (the first maximum of each window gets the gradient).
 *
 * `test/models/backend.test.ts` compares both, and whole-model gradients, with the cpu backend.
 * The wasm backend is ~10× faster than cpu for training on this machine; threads do not help in Node.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'wasm' | 'cpu';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

function wasmKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`tfjs-backend-wasm has no ${name} kernel`);
  return k.kernelFunc;
}

/** dW[kh,kw,ci,co] = Σ_{b,i,j} xPadded[b, i·sh + kh·dh, j·sw + kw·dw, ci] · dy[b,i,j,co] (NHWC). */
function conv2DBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs): Info {
  const be = backend as BackendWasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const a = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): NCHW is not supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast',
  );
  const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, bottom, left, right } = info.padInfo;
  const pad = wasmKernel('PadV2');
  const slice = wasmKernel('StridedSlice');
  const reshape = wasmKernel('Reshape');
  const matMul = wasmKernel('BatchMatMul');
  const temps: Info[] = [];
  const keep = (t: Info | Info[]): Info => {
    const one = Array.isArray(t) ? t[0] : t;
    temps.push(one);
    return one;
  };
  const xp = keep(pad({ inputs: { x }, backend, attrs: { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 } }));
  const n = batchSize * outHeight * outWidth;
  const dy3 = keep(reshape({ inputs: { x: dy }, backend, attrs: { shape: [1, n, outChannels] } }));
  const out = be.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  const tap = inChannels * outChannels;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const xs = keep(
        slice({
          inputs: { x: xp },
          backend,
          attrs: {
            begin: [0, kh, kw, 0],
            end: [batchSize, kh + (outHeight - 1) * strideHeight + 1, kw + (outWidth - 1) * strideWidth + 1, inChannels],
            strides: [1, strideHeight, strideWidth, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          },
        }),
      );
      const xs3 = keep(reshape({ inputs: { x: xs }, backend, attrs: { shape: [1, n, inChannels] } }));
      const g = keep(matMul({ inputs: { a: xs3, b: dy3 }, backend, attrs: { transposeA: true, transposeB: false } }));
      // Re-read the heap view after each kernel: wasm memory may have grown and moved.
      const gv = be.typedArrayFromHeap(g) as Float32Array;
      (be.typedArrayFromHeap(out) as Float32Array).set(gv, (kh * filterWidth + kw) * tap);
    }
  }
  for (const t of temps) be.disposeData(t.dataId);
  return out;
}

/** The cpu backend's MaxPool gradient: each window's first maximum receives that window's dy. */
function maxPoolGradWasm({ inputs, backend, attrs }: KernelArgs): Info {
  const be = backend as BackendWasm;
  const { dy, input } = inputs as { dy: Info; input: Info };
  const a = attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const xv = (be.readSync(input.dataId) as Float32Array).slice();
  const dyv = (be.readSync(dy.dataId) as Float32Array).slice();
  const dx = new Float32Array(xv.length);
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = c;
  const padTop = c.padInfo.top;
  const padLeft = c.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let d = 0; d < ch; d++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let fh = 0; fh < filterHeight; fh++) {
            const h = oh * strideHeight - padTop + fh;
            if (h < 0 || h >= inHeight) continue;
            for (let fw = 0; fw < filterWidth; fw++) {
              const w = ow * strideWidth - padLeft + fw;
              if (w < 0 || w >= inWidth) continue;
              const i = ((b * inHeight + h) * inWidth + w) * ch + d;
              if (xv[i] > best || bestIndex < 0) {
                best = xv[i];
                bestIndex = i;
              }
            }
          }
          if (bestIndex >= 0) dx[bestIndex] += dyv[((b * outHeight + oh) * outWidth + ow) * ch + d];
        }
      }
    }
  }
  return be.makeOutput(input.shape, 'float32', undefined, dx);
}

let patched = false;

/** Registers the missing/fixed wasm training kernels once. Safe to call repeatedly. */
export function patchWasmKernels(): void {
  if (patched) return;
  patched = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm });
  }
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradWasm });
}

/**
 * Selects the tfjs backend (default wasm, falling back to cpu if wasm cannot start) and
 * returns the one in use.
 */
export async function useBackend(name: BackendName = 'wasm'): Promise<BackendName> {
  if (name === 'wasm') patchWasmKernels();
  if (tf.getBackend() === name) return name;
  const ok = await tf.setBackend(name);
  if (!ok) {
    if (name === 'cpu') throw new Error('tfjs cpu backend failed to initialise');
    await tf.setBackend('cpu');
    return 'cpu';
  }
  await tf.ready();
  return tf.getBackend() as BackendName;
}

export { tf };
