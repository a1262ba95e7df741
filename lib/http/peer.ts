import crypto from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Peer } from './client-address';
import { parseIp } from './ip';

/**
 * The socket's peer address for route handlers and proxy.ts. Next.js does not put it on the request (NextRequest's
 * `ip` was removed in Next.js 15, and the `X-Forwarded-For` it fills in is the client's own when the client sent
 * one), so the server process subscribes to Node's `http.server.request.start` diagnostics channel, which fires
 * for every request before any handler runs, and writes what the socket says into a request header. The value
 * carries a per-process secret: a client that sends the header itself (say, before the subscription exists) is
 * never believed.
 */

export const PEER_HEADER = 'x-upbeat-peer';

interface HookState {
  secret: string;
}

// Shared through globalThis: Next.js bundles instrumentation.ts and each route separately, one module copy each.
const STATE = Symbol.for('upbeat.peerHook');
const state = () => (globalThis as { [STATE]?: HookState })[STATE];

/** Subscribes once per process; call it as the server starts (instrumentation.ts). */
export function installPeerHook(): void {
  if (state()) return;
  const hook: HookState = { secret: crypto.randomBytes(16).toString('hex') };
  diagnostics.subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    const address = parseIp(socket.remoteAddress) ?? '';
    const tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
    const sentForwardedFor = request.headers['x-forwarded-for'] !== undefined;
    request.headers[PEER_HEADER] = [hook.secret, address, tls ? 1 : 0, sentForwardedFor ? 1 : 0].join(';');
  });
  (globalThis as { [STATE]?: HookState })[STATE] = hook;
}

/** What the socket said about this request; an unknown address when the hook did not see it. */
export function peerOf(headers: { get(name: string): string | null }): Peer {
  const hook = state();
  const parts = (headers.get(PEER_HEADER) ?? '').split(';');
  if (!hook || parts.length !== 4 || !crypto.timingSafeEqual(digest(parts[0]!), digest(hook.secret))) {
    return { address: undefined, tls: false, sentForwardedFor: true };
  }
  return { address: parseIp(parts[1]), tls: parts[2] === '1', sentForwardedFor: parts[3] === '1' };
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
