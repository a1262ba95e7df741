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
 * opens, so the phases tile the timed run and always add up to the total exactly. Kept in whole microseconds, the
 * storage unit, so rounding cannot break the sum either.
 *
 * The clock times the site, not the probe: `hold` stops it at a network event (connected, handshaken) while the
 * probe does its own work (handing the socket to undici, building the request) until `resume` at the moment the
 * request is written, and the response is timed by when its bytes arrived rather than when they were handled. On a
 * busy checker that work is a few hundred microseconds a check that curl, timing the same exchange, does not count
 * either. The few microseconds of setup before the first phase count towards it, so a check that times out has
 * a total of its whole deadline.
 */
export class PhaseClock {
  private lastUs = clockNowUs();
  private running: Phase | null = null;
  private counting = true;
  private stopped = false;
  private readonly spentUs: Record<Phase, number> = { dns: 0, connect: 0, tls: 0, ttfb: 0, transfer: 0 };

  /** The phase now being timed (or held); null before the first `enter`. A failure is blamed on it. */
  get phase(): Phase | null {
    return this.running;
  }

  /**
   * Closes the running phase and opens `next`, counting from now, or from `atUs` (from `clockNowUs`) when the
   * event that ended the phase was seen before it could be handled (the bytes of a response head arrive, and only
   * once they are parsed is it known to be the final response).
   */
  enter(next: Phase, atUs?: number): void {
    if (this.stopped) return;
    const wasCounting = this.counting;
    this.close(atUs);
    this.running = next;
    this.counting = true;
    // Resuming after a hold counts from now; otherwise close() left lastUs at the instant the last phase ended
    // (or, before the first phase, at the clock's start).
    if (!wasCounting) this.lastUs = clockNowUs();
  }

  /**
   * Stops counting (at `atUs` when given: the instant of the network event that ended the phase); the current
   * phase stays the one a failure is blamed on until `resume` or `enter`.
   */
  hold(atUs?: number): void {
    if (this.stopped) return;
    this.close(atUs);
    this.counting = false;
  }

  /** Counts again into the current phase (after `hold`). */
  resume(): void {
    if (this.stopped || this.counting || this.running === null) return;
    this.counting = true;
    this.lastUs = clockNowUs();
  }

  /**
   * Closes the running phase for good and returns the totals in milliseconds; later calls change nothing. `atUs`
   * (from `clockNowUs`) ends it at an earlier instant, when the last byte arrived rather than when it was handled.
   */
  stop(atUs?: number): Record<Phase | 'total', number> {
    if (!this.stopped) this.close(atUs);
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

  private close(atUs?: number): void {
    if (this.running === null || !this.counting) return;
    const now = atUs === undefined ? clockNowUs() : Math.min(clockNowUs(), Math.max(this.lastUs, atUs));
    this.spentUs[this.running] += now - this.lastUs;
    this.lastUs = now;
  }
}

/** The clock's time base, whole microseconds: the instants `enter`, `hold` and `stop` take. */
export function clockNowUs(): number {
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

  // Each phase ends at its event (the connect, the handshake), not when the awaits here get round to it: the clock
  // is held from then on, and the caller's next phase starts it again (see PhaseClock).
  clock.enter('connect');
  const { socket, atUs } = await connectFirst(req, addresses);
  clock.hold(atUs);
  if (req.protocol === 'http:' || req.protocol === 'tcp:') return socket;

  clock.enter('tls');
  const secure = await handshake(req, socket);
  clock.hold(secure.atUs);
  return secure.socket;
}

async function connectFirst(
  req: ConnectRequest,
  addresses: ReadonlyArray<{ address: string; family: number }>,
): Promise<{ socket: net.Socket; atUs: number }> {
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
      return { socket, atUs: await settle(socket, 'connect', req.signal) };
    } catch (err) {
      socket.destroy();
      if (req.signal.aborted) throw err;
      lastError = err;
    }
  }
  if (lastError !== null) throw lastError;
  throw new ConnectError(ADDRESS_REFUSED, refusal ?? 'no address allowed');
}

async function handshake(req: ConnectRequest, socket: net.Socket): Promise<{ socket: tls.TLSSocket; atUs: number }> {
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
  let atUs: number;
  try {
    atUs = await settle(secure, 'secureConnect', req.signal);
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
  return { socket: secure, atUs };
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
 * Resolves on `event` with its instant (clockNowUs), rejects on the socket's error or the signal's abort, whichever
 * comes first; leaves no listener behind. The socket also keeps a permanent no-op error listener, so an error arriving between phases
 * (before undici attaches its own) cannot crash the process.
 */
function settle(socket: net.Socket, event: 'connect' | 'secureConnect', signal: AbortSignal): Promise<number> {
  socket.on('error', ignore);
  return new Promise<number>((resolve, reject) => {
    const done = () => {
      socket.off(event, onEvent);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onEvent = () => {
      const atUs = clockNowUs();
      done();
      resolve(atUs);
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
