/**
 * The floor of the CLI row: the same URL list at the same concurrency from a client with nothing but sockets —
 * connect, write one request, read until the server closes. No undici, no timing of phases, no results kept. What
 * it takes beyond the ideal is this machine's kernel, loopback and the target's own event loop, which no client
 * here can avoid; the CLI's figure is read against it.
 *
 * Arguments: the list file, the concurrency. Prints the seconds its checks took.
 */
import fs from 'node:fs';
import net from 'node:net';

const [file, concurrencyText] = process.argv.slice(2);
const urls = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => new URL(line));
let next = 0;

const once = (url) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    socket.on('connect', () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n\r\n`));
    socket.on('data', () => {});
    socket.on('error', resolve);
    socket.on('close', resolve);
  });

const begun = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrencyText) }, async () => {
    while (next < urls.length) await once(urls[next++]);
  }),
);
process.stdout.write(`${((performance.now() - begun) / 1000).toFixed(3)}\n`);
