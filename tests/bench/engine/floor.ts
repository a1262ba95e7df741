/**
 * The floor of the accuracy row on this machine: while the checker runs, a bare client in the benchmark's own
 * (otherwise idle) process times the same target with nothing but a socket: connect, write one request, note
 * the instant the last byte arrives. No undici, no scheduler, no recorder, no other checks on its event loop. What
 * it measures beyond the target's own wait is the kernel, the loopback and the two processes' wake-ups, which no
 * client on this machine can avoid; the checker's figures are read against it.
 */
import net from 'node:net';
import { sitePath } from '../lib/delays';
import { summarize, type Summary } from '../lib/stats';

const EVERY_MS = 100;
const DELAY_MS = 50;
/** A site number of its own, so its answers are told apart in the target's log. */
const SITE = 999_999;

function once(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const begun = performance.now();
    let lastByte = 0;
    let text = '';
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('connect', () => socket.write(`GET ${sitePath(SITE, DELAY_MS)} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      lastByte = performance.now();
      text += chunk.toString('latin1');
    });
    socket.on('error', () => resolve(null));
    socket.on('close', () => {
      const waited = /x-waited-us: (\d+)/i.exec(text);
      resolve(waited && lastByte > 0 ? Math.abs(lastByte - begun - Number(waited[1]) / 1000) : null);
    });
  });
}

/** Runs until `until` (epoch ms), one bare check every 100 ms; |total − what the target waited|, ms. */
export async function measureFloor(port: number, until: number): Promise<Summary> {
  const errors: number[] = [];
  for (let next = Date.now(); Date.now() < until; next += EVERY_MS) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    const e = await once(port);
    if (e !== null) errors.push(e);
  }
  return summarize(errors);
}
