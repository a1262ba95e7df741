import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { TlsInfo } from '../../db/domain';
import { addressPolicy } from '../target-policy';

/**
 * The connection half of a check: resolve, connect, handshake — each phase timed on the monotonic clock and each
 * cut short by one abort signal. The HTTP half (`probe.ts`) receives a ready socket, so undici never opens or
 * reuses a connection on its own and every phase it reports happened during this check.
 */

export type Phase = 'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer';

/**
 * Splits one stopwatch run into phases. Each `enter` closes the running phase at the same instant the next one
 * opens, so the phases tile the run and always add up to the total exactly: there is no overhead left over to
 * lose. Kept in whole microseconds, the storage unit, so rounding cannot break the sum either.
 */
export class PhaseClock {
  private lastUs = nowUs();
  private running: Phase | null = null;
  private stopped = false;
  private readonly spentUs: Record<Phase, number> = { dns: 0, connect: 0, tls: 0, ttfb: 0, transfer: 0 };

  /** The phase now being timed; null before the first `enter`. */
  get phase(): Phase | null {
    return this.running;
  }

  /**
   * Closes the running phase and opens `next`. Time before the first phase (setup) counts towards it, and time
   * between hops towards the phase the last hop ended in.
   */
  enter(next: Phase): void {
    if (this.stopped) return;
    this.close();
    this.running = next;
  }

  /** Closes the running phase for good and returns the totals in milliseconds; later calls change nothing. */
  stop(): Record<Phase | 'total', number> {
    if (!this.stopped) this.close();
    this.stopped = true;
    const s = this.spentUs;
    return {
      dns: s.dns / 1000,
      connect: s.connect / 1000,
      tls: s.tls / 1000,
      ttfb: s.ttfb / 1000,
      transfer: s.transfer / 1000,
      total: (s.dns + s.connect + s.tls + s.ttfb + s.transfer) / 1000,
    };
  }

  private close(): void {
    // Before the first phase opens, the setup time is left on the clock for that phase to take.
    if (this.running === null) return;
    const now = nowUs();
    this.spentUs[this.running] += now - this.lastUs;
    this.lastUs = now;
  }
}

function nowUs(): number {
  return Math.round(performance.now() * 1000);
}

/** A `dns.promises.lookup`-compatible resolver. */
export type LookupFn = (
  hostname: string,
  options: { all: true },
) => Promise<Array<{ address: string; family: number }>>;

/** Decides whether the check may connect to a resolved address: null to allow, or the reason it may not. */
export type AddressPolicy = (ip: string) => string | null;

export interface ConnectRequest {
  /** `https:` (and `tls:`, TLS straight after connecting) handshake; `http:` and `tcp:` stop at the connect. */
  protocol: 'http:' | 'https:' | 'tcp:' | 'tls:';
  /** Host name or IP literal, without IPv6 brackets. Used for SNI and certificate checks. */
  host: string;
  port: number;
  lookup: LookupFn;
  /**
   * The target policy for the address dialled. Without one, the addresses every policy refuses (metadata,
   * link-local, multicast, reserved) still are: no caller can forget them.
   */
  allowAddress?: AddressPolicy | undefined;
  /** Trusted CA certificates (PEM) in place of Node's bundled roots. */
  ca?: string | readonly string[] | undefined;
  /**
   * False: accept any certificate (self-signed, expired, another name), still reading its expiry and issuer.
   * Default true.
   */
  verify?: boolean | undefined;
  /** The name sent as SNI and checked against the certificate, in place of `host` (a hostname override). */
  servername?: string | undefined;
  clock: PhaseClock;
  signal: AbortSignal;
  /** Filled in as the connect goes, so a failure can still say where it happened and what it saw. */
  seen: ConnectSeen;
}

export interface ConnectSeen {
  /** The address last tried (on success, the one connected to). */
  remoteAddress: string | null;
  /** The server's certificate, captured even when it is then rejected. */
  tls: TlsInfo | null;
}

/** A failure the connector decides itself, with a code `classify.ts` does or does not know. */
export class ConnectError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ConnectError';
    this.code = code;
  }
}

const ALWAYS_REFUSED = addressPolicy({ blockPrivate: false });

/** Code of a connect refused by the address policy; classified as `blocked`. */
export const ADDRESS_REFUSED = 'UPBEAT_ADDRESS_REFUSED';

/**
 * Opens a fresh connection to `host:port`, ready for HTTP: resolved (unless `host` is an IP literal, which skips
 * the dns phase entirely), connected to the resolved address, and for https handshaken and verified. Addresses
 * are tried in the resolver's order until one connects. Rejects with the underlying error (its `code` is what
 * classification reads), or with `signal.reason` once the signal aborts, having destroyed every socket it opened.
 */
export async function openConnection(req: ConnectRequest): Promise<net.Socket> {
  const { clock, signal } = req;
  let addresses: Array<{ address: string; family: number }>;
  if (net.isIP(req.host) !== 0) {
    addresses = [{ address: req.host, family: net.isIP(req.host) }];
  } else {
    clock.enter('dns');
    const found = await untilAborted(req.lookup(req.host, { all: true }), signal);
    addresses = found.filter((a) => a.family === 4 || a.family === 6);
    if (addresses.length === 0) throw new ConnectError('ENOTFOUND', `no addresses for ${req.host}`);
  }

  clock.enter('connect');
  const socket = await connectFirst(req, addresses);
  if (req.protocol === 'http:' || req.protocol === 'tcp:') return socket;

  clock.enter('tls');
  return handshake(req, socket);
}

async function connectFirst(
  req: ConnectRequest,
  addresses: ReadonlyArray<{ address: string; family: number }>,
): Promise<net.Socket> {
  let lastError: unknown = null;
  let refusal: string | null = null;
  for (const { address, family } of addresses) {
    // The one place a connect-time address policy applies: after resolution, on the exact address dialled, so a
    // name cannot resolve to one address for the check and another for the connection.
    const reason = (req.allowAddress ?? ALWAYS_REFUSED)(address);
    if (reason !== null) {
      refusal ??= reason;
      continue;
    }
    req.seen.remoteAddress = address;
    const socket = net.connect({ host: address, port: req.port, family, noDelay: true });
    try {
      await settle(socket, 'connect', req.signal);
      return socket;
    } catch (err) {
      socket.destroy();
      if (req.signal.aborted) throw err;
      lastError = err;
    }
  }
  if (lastError !== null) throw lastError;
  throw new ConnectError(ADDRESS_REFUSED, refusal ?? 'no address allowed');
}

async function handshake(req: ConnectRequest, socket: net.Socket): Promise<tls.TLSSocket> {
  const name = req.servername ?? req.host;
  const isIpHost = net.isIP(name) !== 0;
  const secure = tls.connect({
    socket,
    // SNI must not carry an IP literal; certificate checks then use `host`.
    servername: isIpHost ? undefined : name,
    host: name,
    ...(req.protocol === 'https:' ? { ALPNProtocols: ['http/1.1'] } : {}),
    ca: req.ca as string | string[] | undefined,
    // Verification is done below from `authorized`, which Node sets from the same chain and host-name checks
    // that `rejectUnauthorized: true` would act on. Checking it ourselves keeps the certificate readable, so a
    // rejected (e.g. expired) certificate still reports its expiry and issuer. No request is ever written on an
    // unverified connection: the socket is destroyed first.
    rejectUnauthorized: false,
  });
  secure.on('error', ignore);
  try {
    await settle(secure, 'secureConnect', req.signal);
  } catch (err) {
    secure.destroy();
    socket.destroy();
    throw err;
  }
  req.seen.tls = certificateOf(secure);
  if (!secure.authorized && req.verify !== false) {
    secure.destroy();
    socket.destroy();
    const code = errorCodeOf(secure.authorizationError) ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
    throw new ConnectError(code, `certificate rejected (${code})`);
  }
  return secure;
}

function errorCodeOf(reason: unknown): string | null {
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

function certificateOf(socket: tls.TLSSocket): TlsInfo | null {
  const cert = socket.getPeerCertificate();
  // An empty object means the peer sent no certificate.
  if (!cert || typeof cert.valid_to !== 'string') return null;
  const validTo = Date.parse(cert.valid_to);
  if (Number.isNaN(validTo)) return null;
  const issuer = firstOf(cert.issuer?.O) ?? firstOf(cert.issuer?.CN) ?? '';
  return { validTo, issuer };
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function ignore(): void {}

/**
 * Resolves on `event`, rejects on the socket's error or the signal's abort, whichever comes first; leaves no
 * listener behind. The socket also keeps a permanent no-op error listener, so an error arriving between phases
 * (before undici attaches its own) cannot crash the process.
 */
function settle(socket: net.Socket, event: 'connect' | 'secureConnect', signal: AbortSignal): Promise<void> {
  socket.on('error', ignore);
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      socket.off(event, onEvent);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onEvent = () => {
      done();
      resolve();
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onAbort = () => {
      done();
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    socket.once(event, onEvent);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Races a promise that cannot itself be cancelled (getaddrinfo runs on the thread pool) against the signal. A
 * late settlement is observed by the race and so never becomes an unhandled rejection.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(ignore);
    return Promise.reject(signal.reason as unknown);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
