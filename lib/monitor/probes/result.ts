import type { CheckError, ErrorKind, Timings, TlsInfo } from '../../../db/domain';
import type { AddressPolicy, LookupFn } from '../connector';

/** What every check kind returns: one shape, so the recorder, history, incidents and alerts treat kinds alike. */
export interface CheckResult {
  /** Wall clock at the start of the check, epoch ms. */
  startedAt: number;
  ok: boolean;
  /** Status of the last response received; null when the last hop got none (and always for tcp and dns). */
  statusCode: number | null;
  /** Phases summed over all hops; they add up to `totalMs`. */
  timings: Timings;
  /** Set exactly when `ok` is false. */
  error: CheckError | null;
  /** Certificate of the final hop when it is https (or TLS over tcp), also when the certificate was rejected. */
  tls: TlsInfo | null;
  /** The first `bodyCapBytes` of the final response body (empty for tcp and dns). */
  body: Buffer;
  /** Body bytes received from the final response, including those not kept. */
  bodyBytes: number;
  /** Response headers of the final hop, names in lower case (empty for tcp and dns). */
  headers: Readonly<Record<string, string>>;
  /** Redirect hops followed. */
  redirects: number;
  /** URL of the final hop (the target itself for tcp and dns). */
  finalUrl: string;
  /** Address of the final hop's connection (the one last tried, when connecting failed); null before one. */
  remoteAddress: string | null;
  /** A short account of what was seen beyond the status, e.g. a DNS answer; null when there is none. */
  detail: string | null;
}

/** Why the check's own signal fired. */
export class Stop extends Error {
  constructor(readonly reason: 'timeout' | 'aborted') {
    super(reason);
    this.name = 'Stop';
  }
}

/** A verdict a probe reaches itself (status, redirects, bad URL, a DNS answer), not an error from below. */
export class Verdict extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'Verdict';
  }
}

/**
 * One deadline for a whole check: the timeout and the caller's shutdown both fire the same signal, which every
 * wait gives up on. `dispose` removes the timer and the listener.
 */
export function checkSignal(timeoutMs: number, outer: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Stop('timeout')), timeoutMs);
  const onShutdown = () => stop.abort(new Stop('aborted'));
  if (outer?.aborted) onShutdown();
  else outer?.addEventListener('abort', onShutdown, { once: true });
  return {
    signal: stop.signal,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onShutdown);
    },
  };
}

/** The kind and message when the check's own signal fired, or null when it did not. */
export function explainStop(signal: AbortSignal, timeoutMs: number, during: string): CheckError | null {
  if (!signal.aborted) return null;
  const reason: unknown = signal.reason;
  if (reason instanceof Stop && reason.reason === 'timeout') {
    return { kind: 'timeout', message: `timed out after ${timeoutMs} ms${during}` };
  }
  return { kind: 'unknown', message: 'aborted' };
}

export function formatPeer(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const EMPTY_BODY = Buffer.alloc(0);

export function ignore(): void {}

/** How a probe runs, the same for every site (the scheduler's and the CLI's settings, tests' fakes). */
export interface ProbeOptions {
  /** Resolver, `dns.promises.lookup`-compatible; tests inject one to fake names. Default `dns.promises.lookup`. */
  lookup?: LookupFn;
  /** Sent as `User-Agent` so site owners can tell what is calling. Default `Upbeat/0.1 (+uptime monitor)`. */
  userAgent?: string;
  /** How much of the final body is kept in `body`; the rest is read and thrown away. Default 64 KiB. */
  bodyCapBytes?: number;
  /** Aborts the check (shutdown). The result then has kind `unknown` and message `aborted`. */
  signal?: AbortSignal;
  /** Redirect hops followed before giving up with kind `redirects`. Default 5. */
  maxRedirects?: number;
  /**
   * Connect-time address policy, asked for every resolved address before it is dialled (and for a DNS check's
   * server): return null to allow it, or the reason to refuse it. Refused addresses are skipped; when none is
   * left the check fails with kind `blocked` and that reason.
   */
  allowAddress?: AddressPolicy;
  /** Trusted CA certificates (PEM) in place of Node's bundled roots, e.g. for a private CA. */
  ca?: string | readonly string[];
}

export const DEFAULT_USER_AGENT = 'Upbeat/0.1 (+uptime monitor)';
export const DEFAULT_BODY_CAP_BYTES = 64 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
