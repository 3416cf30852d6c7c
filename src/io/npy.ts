/** NumPy .npy (format 1.0) encoding of float32 matrices, for Python users (np.load). */

/** The .npy header for a little-endian float32 C-order array of `shape`. */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + header length (2) + dict + '\n' must be a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = dict.length & 0xff;
  out[9] = dict.length >> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/** A complete .npy file for a `[rows, cols]` float32 matrix. */
export function encodeNpy(data: Float32Array, rows: number, cols: number): Uint8Array {
  const header = npyHeader([rows, cols]);
  const out = new Uint8Array(header.length + data.length * 4);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/** Parses a float32 .npy produced by {@link encodeNpy} (used by tests and loaders). */
export function decodeNpy(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw new Error('not a .npy file');
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLength));
  if (!header.includes("'<f4'")) throw new Error(`unsupported .npy dtype in ${header.trim()}`);
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const start = 10 + headerLength;
  const n = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, n * 4);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
  return { shape, data };
}
