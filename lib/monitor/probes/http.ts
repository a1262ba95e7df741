import dns from 'node:dns';
import type net from 'node:net';
import type { Dispatcher } from 'undici';
import { Client } from './undici-client';
import type { CheckError, HttpMethod } from '../../../db/domain';
import { matchesStatus, normaliseStatusSpec, type StatusRange } from '../../status-codes';
import { clockNowUs, ConnectError, openConnection, PhaseClock, type ConnectSeen, type LookupFn, type Phase } from '../connector';
import { explainFailure } from './explain';
import { BodySink, flattenHeaders } from './http-body';
import {
  checkSignal,
  DEFAULT_BODY_CAP_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_USER_AGENT,
  ignore,
  truncate,
  Verdict,
  type CheckResult,
  type ProbeOptions,
} from './result';

/**
 * One HTTP check of one site: a single request on fresh connections, followed through redirects, timed phase by
 * phase and judged against the expected status codes. Knows nothing of storage or scheduling.
 */

export interface HttpTarget {
  kind?: 'http';
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
  /** A request body (POST, PUT, PATCH …), sent to the first hop only, with `contentType`. */
  body?: string;
  contentType?: string;
  /** False: accept any certificate on https, still recording its expiry and issuer. Default true. */
  tlsVerify?: boolean;
  /** Trusted CA certificate(s) in PEM for this site (a private CA), in place of the bundled roots. */
  caPem?: string;
  /** Sent as Host and SNI (and checked against the certificate) in place of the URL's host, on the first origin. */
  hostHeader?: string;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The reason a client is closed once its check is over. Without one, undici makes a new ClientDestroyedError for
 * every destroy, and capturing its stack was a quarter of the checker thread's CPU: nothing is pending by then for
 * the reason to reach, so one shared error serves every check.
 */
const CHECK_DONE = new Error('check finished');

/** What the check has seen so far; on failure it is still the truth about the last hop. */
interface Progress {
  url: URL | null;
  redirects: number;
  statusCode: number | null;
  headers: Record<string, string>;
  seen: ConnectSeen;
  sink: BodySink;
  /** When bytes last arrived on the current hop's socket (clockNowUs); null before any. */
  lastByteUs: number | null;
  /** When the final response's last byte arrived: the check's end, however long handling it then took. */
  endedUs: number | null;
}

/**
 * Checks one site once. Never rejects: a site that is down is data, returned as `ok: false` with an error
 * whose kind comes from `err.code` (see `classify.ts`). Every socket and timer it made is gone when it resolves.
 */
export async function probeHttp(target: HttpTarget, options: ProbeOptions = {}): Promise<CheckResult> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const cap = Math.max(0, options.bodyCapBytes ?? DEFAULT_BODY_CAP_BYTES);
  const progress: Progress = {
    url: null,
    redirects: 0,
    statusCode: null,
    headers: {},
    seen: { remoteAddress: null, tls: null },
    sink: new BodySink(cap),
    lastByteUs: null,
    endedUs: null,
  };

  const stop = checkSignal(target.timeoutMs, options.signal);
  const clients = new Set<Client>();
  let error: CheckError | null = null;
  try {
    await run(target, options, clock, stop.signal, progress, clients);
  } catch (err) {
    error = explain(err, stop.signal, target, clock.phase, progress);
  }
  const t = clock.stop(progress.endedUs ?? undefined);
  stop.dispose();
  // Destroying twice is safe: undici's second destroy settles when the first has closed the socket.
  await Promise.allSettled([...clients].map((c) => c.destroy(CHECK_DONE)));

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
    headers: progress.headers,
    redirects: progress.redirects,
    finalUrl: progress.url?.href ?? target.url,
    remoteAddress: progress.seen.remoteAddress,
    detail: null,
  };
}

/** Walks the redirect chain; returns when the final response is read and judged good, throws otherwise. */
async function run(
  target: HttpTarget,
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
  let body = target.body;
  for (;;) {
    progress.url = url;
    progress.statusCode = null;
    progress.headers = {};
    progress.seen = { remoteAddress: null, tls: null };
    progress.sink = new BodySink(progress.sink.cap);
    progress.lastByteUs = null;
    if (signal.aborted) throw signal.reason;
    const sameOrigin = url.origin === firstOrigin;

    const socket = await openConnection({
      protocol: url.protocol as 'http:' | 'https:',
      host: hostOf(url),
      port: portOf(url),
      lookup: options.lookup ?? defaultLookup,
      allowAddress: options.allowAddress,
      ca: target.caPem ?? options.ca,
      verify: target.tlsVerify,
      servername: sameOrigin ? target.hostHeader : undefined,
      clock,
      signal,
      seen: progress.seen,
    });
    // The wait for the first byte is the server's from the moment the request is written (onRequestStart, just
    // before undici writes it); handing the socket over and building the request is the probe's own time.
    clock.enter('ttfb');
    clock.hold();
    watchArrivals(socket, progress);
    const client = clientOn(url, socket);
    clients.add(client);

    const isRedirect = (status: number, location: string | undefined) =>
      target.followRedirects && REDIRECT_STATUSES.has(status) && location !== undefined;
    const extra = sameOrigin ? { ...lowerCaseKeys(target.headers) } : {};
    if (sameOrigin && target.hostHeader !== undefined) extra.host = target.hostHeader;
    if (body !== undefined && target.contentType !== undefined) extra['content-type'] = target.contentType;
    const { status, location } = await exchange(client, url, method, {
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      clock,
      signal,
      progress,
      stopAtHeaders: isRedirect,
      extraHeaders: extra,
      body,
    });

    if (!isRedirect(status, location)) {
      if (!matchesStatus(target.expectedStatus, status)) {
        throw new Verdict('status', `HTTP ${status} (expected ${normaliseStatusSpec(target.expectedStatus)})`);
      }
      return;
    }

    // A redirect: its body is never read and its connection is not reused. (Closed now; `probe` awaits the close.)
    client.destroy(CHECK_DONE).catch(ignore);
    if (progress.redirects >= maxRedirects) throw new Verdict('redirects', `more than ${maxRedirects} redirects`);
    url = parseHttpUrl(location as string, url);
    progress.redirects++;
    // What browsers do: 303 always becomes GET, and 301/302 turn a POST into a GET; 307/308 keep the method
    // (and the body).
    if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
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

/**
 * Notes when bytes arrive, as curl's time_starttransfer and time_total time them, rather than when undici has parsed
 * them and called back (parsing is the probe's work, not the site's). Listening before undici does puts this
 * listener first on each event, and undici parses what arrived in its own listener right after, so when it calls
 * back with the final response's head (or its end) `lastByteUs` is when those bytes came. A 'readable' with
 * nothing to read is the end of the stream, not a byte.
 */
function watchArrivals(socket: net.Socket, progress: Progress): void {
  socket.on('readable', () => {
    if (socket.readableLength > 0) progress.lastByteUs = clockNowUs();
  });
}

interface ExchangeOptions {
  userAgent: string;
  clock: PhaseClock;
  signal: AbortSignal;
  progress: Progress;
  /** True when the response is a redirect to follow: settle at its headers and skip the body. */
  stopAtHeaders: (status: number, location: string | undefined) => boolean;
  /** Lower-case names; they override the defaults. */
  extraHeaders: Record<string, string>;
  body: string | undefined;
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
      // undici calls this as it writes the request onto the socket: the server's part starts here.
      onRequestStart() {
        clock.resume();
      },
      onResponseStart(_controller, statusCode, headers) {
        // undici hands over interim 1xx responses (103 Early Hints) here too; the check waits for the final one.
        if (settled || statusCode < 200) return;
        clock.enter('transfer', progress.lastByteUs ?? undefined);
        status = statusCode;
        progress.statusCode = statusCode;
        progress.headers = flattenHeaders(headers);
        location = progress.headers.location;
        if (opts.stopAtHeaders(status, location)) settle(() => resolve({ status, location }));
      },
      onResponseData(_controller, chunk) {
        if (!settled) progress.sink.write(chunk);
      },
      onResponseEnd() {
        if (!settled) progress.endedUs = progress.lastByteUs;
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
        headers: { 'user-agent': opts.userAgent, accept: '*/*', ...opts.extraHeaders },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      },
      handler,
    );
  });
}

/** Turns whatever stopped the check into a kind and a short sentence for people. */
function explain(err: unknown, signal: AbortSignal, target: HttpTarget, phase: Phase | null, progress: Progress): CheckError {
  const url = progress.url;
  return explainFailure(err, signal, target.timeoutMs, phase, {
    host: url !== null ? hostOf(url) : '',
    port: url !== null ? portOf(url) : 0,
    remoteAddress: progress.seen.remoteAddress,
  });
}

/** Site headers override the defaults whatever their case (`User-Agent` replaces `user-agent`). */
function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
