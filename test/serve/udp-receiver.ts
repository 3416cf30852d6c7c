import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

/** A UDP socket on 127.0.0.1 keeping every datagram, as a WLED would receive them. */
export async function udpReceiver(): Promise<{ port: number; packets: Buffer[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: (socket.address() as AddressInfo).port, packets, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
