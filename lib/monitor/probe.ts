import dns from 'node:dns';
import type net from 'node:net';
import { Client, type Dispatcher } from 'undici';
import type { CheckError, ErrorKind, HttpMethod, Timings, TlsInfo } from '../domain';
import { matchesStatus, normaliseStatusSpec, type StatusRange } from '../status-codes';
import { classifyError, describeTlsCode } from './classify';
import {
  ADDRESS_REFUSED,
  ConnectError,
  openConnection,
  PhaseClock,
  type AddressPolicy,
  type ConnectSeen,
  type LookupFn,
  type Phase,
} from './connector';

export type { AddressPolicy, LookupFn } from './connector';

/**
 * One check of one site: a single request on fresh connections, followed through redirects, timed phase by
 * phase and judged against the expected status codes. Knows nothing of storage or scheduling.
 */

export interface ProbeTarget {
  url: string;
  method: HttpMethod;
  /** Bounds the whole check: resolving, connecting, handshaking, waiting and reading, over every redirect hop. */
  timeoutMs: number;
  /** Status codes that count as up, e.g. `statusRangesOf('200-399')`. */
  expectedStatus: readonly StatusRange[];
  followRedirects: boolean;
  /**
   * Extra request headers (e.g. Authorization for a protected health endpoint). Sent only to the origin of
   * `url`: a redirect to another origin does not carry them, as browsers do not carry credentials either.
   */
  headers?: Readonly<Record<string, string>>;
}

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
   * Connect-time address policy, asked for every resolved address before it is dialled: return null to allow
   * it, or the reason to refuse it. Refused addresses are skipped; when none is left the check fails with kind
   * `blocked` and that reason.
   */
  allowAddress?: AddressPolicy;
  /** Trusted CA certificates (PEM) in place of Node's bundled roots, e.g. for a private CA. */
  ca?: string | readonly string[];
}

export interface CheckResult {
  /** Wall clock at the start of the check, epoch ms. */
  startedAt: number;
  ok: boolean;
  /** Status of the last response received; null when the last hop got none. */
  statusCode: number | null;
  /** Phases summed over all hops; they add up to `totalMs`. */
  timings: Timings;
  /** Set exactly when `ok` is false. */
  error: CheckError | null;
  /** Certificate of the final hop when it is https, also when the certificate was rejected. */
  tls: TlsInfo | null;
  /** The first `bodyCapBytes` of the final response body. */
  body: Buffer;
  /** Body bytes received from the final response, including those not kept. */
  bodyBytes: number;
  /** Redirect hops followed. */
  redirects: number;
  /** URL of the final hop. */
  finalUrl: string;
  /** Address of the final hop's connection (the one last tried, when connecting failed); null before one. */
  remoteAddress: string | null;
}

export const DEFAULT_USER_AGENT = 'Upbeat/0.1 (+uptime monitor)';
export const DEFAULT_BODY_CAP_BYTES = 64 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Why the check's own signal fired. */
class Stop extends Error {
  constructor(readonly reason: 'timeout' | 'aborted') {
    super(reason);
    this.name = 'Stop';
  }
}

/** A verdict the probe reaches itself (status, redirects, bad URL), not an error from below. */
class Verdict extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'Verdict';
  }
}

/** What the check has seen so far; on failure it is still the truth about the last hop. */
interface Progress {
  url: URL | null;
  redirects: number;
  statusCode: number | null;
  seen: ConnectSeen;
  sink: BodySink;
}

/**
 * Checks one site once. Never rejects: a site that is down is data, returned as `ok: false` with an error
 * whose kind comes from `err.code` (see `classify.ts`). Every socket and timer it made is gone when it resolves.
 */
export async function probe(target: ProbeTarget, options: ProbeOptions = {}): Promise<CheckResult> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const cap = Math.max(0, options.bodyCapBytes ?? DEFAULT_BODY_CAP_BYTES);
  const progress: Progress = {
    url: null,
    redirects: 0,
    statusCode: null,
    seen: { remoteAddress: null, tls: null },
    sink: new BodySink(cap),
  };

  // One signal for the whole check: the deadline and the caller's shutdown both fire it, and every wait below
  // (lookup, connect, handshake, response) gives up on it and destroys what it holds.
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Stop('timeout')), target.timeoutMs);
  const onShutdown = () => stop.abort(new Stop('aborted'));
  if (options.signal?.aborted) onShutdown();
  else options.signal?.addEventListener('abort', onShutdown, { once: true });

  const clients = new Set<Client>();
  let error: CheckError | null = null;
  try {
    await run(target, options, clock, stop.signal, progress, clients);
  } catch (err) {
    error = explain(err, stop.signal, target, clock.phase, progress);
  }
  const t = clock.stop();
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onShutdown);
  // Destroying twice is safe: undici's second destroy settles when the first has closed the socket.
  await Promise.allSettled([...clients].map((c) => c.destroy()));

  return {
    startedAt,
    ok: error === null,
    statusCode: progress.statusCode,
    timings: {
      dnsMs: t.dns,
      connectMs: t.connect,
      tlsMs: t.tls,
      ttfbMs: t.ttfb,
      transferMs: t.transfer,
      totalMs: t.total,
    },
    error,
    tls: progress.seen.tls,
    body: progress.sink.body(),
    bodyBytes: progress.sink.bytes,
    redirects: progress.redirects,
    finalUrl: progress.url?.href ?? target.url,
    remoteAddress: progress.seen.remoteAddress,
  };
}

/** Walks the redirect chain; returns when the final response is read and judged good, throws otherwise. */
async function run(
  target: ProbeTarget,
  options: ProbeOptions,
  clock: PhaseClock,
  signal: AbortSignal,
  progress: Progress,
  clients: Set<Client>,
): Promise<void> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let url = parseHttpUrl(target.url, null);
  const firstOrigin = url.origin;
  let method = target.method;
  for (;;) {
    progress.url = url;
    progress.statusCode = null;
    progress.seen = { remoteAddress: null, tls: null };
    progress.sink = new BodySink(progress.sink.cap);
    if (signal.aborted) throw signal.reason;

    const socket = await openConnection({
      protocol: url.protocol as 'http:' | 'https:',
      host: hostOf(url),
      port: portOf(url),
      lookup: options.lookup ?? defaultLookup,
      allowAddress: options.allowAddress,
      ca: options.ca,
      clock,
      signal,
      seen: progress.seen,
    });
    const client = clientOn(url, socket);
    clients.add(client);

    clock.enter('ttfb');
    const isRedirect = (status: number, location: string | undefined) =>
      target.followRedirects && REDIRECT_STATUSES.has(status) && location !== undefined;
    const { status, location } = await exchange(client, url, method, {
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      clock,
      signal,
      progress,
      stopAtHeaders: isRedirect,
      extraHeaders: url.origin === firstOrigin ? target.headers : undefined,
    });

    if (!isRedirect(status, location)) {
      if (!matchesStatus(target.expectedStatus, status)) {
        throw new Verdict('status', `HTTP ${status} (expected ${normaliseStatusSpec(target.expectedStatus)})`);
      }
      return;
    }

    // A redirect: its body is never read and its connection is not reused. (Closed now; `probe` awaits the close.)
    client.destroy().catch(ignore);
    if (progress.redirects >= maxRedirects) throw new Verdict('redirects', `more than ${maxRedirects} redirects`);
    url = parseHttpUrl(location as string, url);
    progress.redirects++;
    // What browsers do: 303 always becomes GET, and 301/302 turn a POST into a GET; 307/308 keep the method.
    if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
    }
  }
}

function parseHttpUrl(text: string, base: URL | null): URL {
  let url: URL;
  try {
    url = new URL(text, base ?? undefined);
  } catch {
    throw base === null
      ? new Verdict('unknown', `not a valid URL: ${truncate(text, 100)}`)
      : new Verdict('redirects', `redirect to an invalid URL: ${truncate(text, 100)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw base === null
      ? new Verdict('unknown', `not an http(s) URL: ${truncate(text, 100)}`)
      : new Verdict('redirects', `redirect to a non-http(s) URL: ${truncate(url.href, 100)}`);
  }
  return url;
}

/** The URL's host as the socket layer wants it: IPv6 literals lose their brackets. */
function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

const defaultLookup: LookupFn = (hostname, opts) => dns.promises.lookup(hostname, opts);

/**
 * An undici client bound to one already-open socket. The origin keeps the URL's host, so the Host header (and
 * undici's idea of the server) stay the name even though the socket went to a resolved address.
 */
function clientOn(url: URL, socket: net.Socket): Client {
  let handedOver = false;
  return new Client(url.origin, {
    connect: (_opts, callback) => {
      // undici expects this callback asynchronously: called synchronously it re-enters its own connect and the
      // request is never written.
      queueMicrotask(() => {
        if (handedOver) {
          callback(new ConnectError('UND_ERR_SOCKET', 'connection closed before the request was sent'), null);
          return;
        }
        handedOver = true;
        callback(null, socket);
      });
    },
    // The probe's own deadline bounds every wait; undici's timers would only race it.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

interface ExchangeOptions {
  userAgent: string;
  clock: PhaseClock;
  signal: AbortSignal;
  progress: Progress;
  /** True when the response is a redirect to follow: settle at its headers and skip the body. */
  stopAtHeaders: (status: number, location: string | undefined) => boolean;
  extraHeaders: Readonly<Record<string, string>> | undefined;
}

/** Sends the request and reads the response into `progress.sink`, settling once the body ends. */
function exchange(
  client: Client,
  url: URL,
  method: HttpMethod,
  opts: ExchangeOptions,
): Promise<{ status: number; location: string | undefined }> {
  const { clock, signal, progress } = opts;
  return new Promise((resolve, reject) => {
    let settled = false;
    let status = 0;
    let location: string | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(signal.reason as unknown));
      client.destroy(signal.reason as Error).catch(ignore);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      // Present so undici treats this as a handler of its current API (it looks for this method to tell).
      onRequestStart() {},
      onResponseStart(_controller, statusCode, headers) {
        // undici hands over interim 1xx responses (103 Early Hints) here too; the check waits for the final one.
        if (settled || statusCode < 200) return;
        clock.enter('transfer');
        status = statusCode;
        progress.statusCode = statusCode;
        const loc = headers.location;
        location = Array.isArray(loc) ? loc[0] : loc;
        if (opts.stopAtHeaders(status, location)) settle(() => resolve({ status, location }));
      },
      onResponseData(_controller, chunk) {
        if (!settled) progress.sink.write(chunk);
      },
      onResponseEnd() {
        settle(() => resolve({ status, location }));
      },
      onResponseError(_controller, err) {
        settle(() => reject(err));
      },
    };
    client.dispatch(
      {
        path: `${url.pathname}${url.search}`,
        method,
        headers: { 'user-agent': opts.userAgent, accept: '*/*', ...lowerCaseKeys(opts.extraHeaders) },
      },
      handler,
    );
  });
}

/**
 * Keeps the first `cap` bytes of a body and counts the rest. Kept bytes are copied out of undici's read buffers,
 * so memory stays at `cap` however large the body is.
 */
class BodySink {
  bytes = 0;
  private kept: Buffer[] = [];
  private keptBytes = 0;

  constructor(readonly cap: number) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    const room = this.cap - this.keptBytes;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.kept.push(Buffer.from(part));
    this.keptBytes += part.length;
  }

  body(): Buffer {
    return this.kept.length === 1 ? (this.kept[0] as Buffer) : Buffer.concat(this.kept, this.keptBytes);
  }
}

const PHASE_WORDS: Record<Phase, string> = {
  dns: 'while resolving the host',
  connect: 'while connecting',
  tls: 'during the TLS handshake',
  ttfb: 'waiting for the response',
  transfer: 'while reading the body',
};

/** Turns whatever stopped the check into a kind and a short sentence for people. */
function explain(
  err: unknown,
  signal: AbortSignal,
  target: ProbeTarget,
  phase: Phase | null,
  progress: Progress,
): CheckError {
  const during = phase !== null ? ` ${PHASE_WORDS[phase]}` : '';
  // Once the check's signal fired, whatever error surfaced is its echo (a destroyed socket); the reason wins.
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof Stop && reason.reason === 'timeout') {
      return { kind: 'timeout', message: `timed out after ${target.timeoutMs} ms${during}` };
    }
    return { kind: 'unknown', message: 'aborted' };
  }
  if (err instanceof Verdict) return { kind: err.kind, message: err.message };
  if (err instanceof ConnectError && err.code === ADDRESS_REFUSED) return { kind: 'blocked', message: err.message };

  const { kind, code } = classifyError(err);
  const url = progress.url;
  const host = url !== null ? hostOf(url) : '';
  const peer = formatPeer(progress.seen.remoteAddress ?? host, url !== null ? portOf(url) : 0);
  const tag = code !== null ? ` (${code})` : '';
  switch (kind) {
    case 'dns':
      return { kind, message: `cannot resolve ${host}${tag}` };
    case 'refused':
      return { kind, message: `connection refused by ${peer}` };
    case 'reset':
      return { kind, message: `connection reset by ${peer}${during}${tag}` };
    case 'timeout':
      return { kind, message: `timed out${during}${tag}` };
    case 'tls':
      return { kind, message: `TLS ${describeTlsCode(code)}${tag}` };
    case 'protocol':
      return { kind, message: `malformed HTTP response from ${peer}${tag}` };
    default: {
      const text = err instanceof Error && err.message !== '' ? err.message : String(err);
      return { kind, message: `${truncate(text, 160)}${code !== null && !text.includes(code) ? tag : ''}` };
    }
  }
}

function formatPeer(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function ignore(): void {}

/** Site headers override the defaults whatever their case (`User-Agent` replaces `user-agent`). */
function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
