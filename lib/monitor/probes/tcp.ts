import dns from 'node:dns';
import type { CheckError } from '../../../db/domain';
import { openConnection, PhaseClock, type ConnectSeen, type LookupFn } from '../connector';
import { explainFailure } from './explain';
import { parseTcpUrl } from '../../target-syntax';
import { checkSignal, EMPTY_BODY, Verdict, type CheckResult, type ProbeOptions } from './result';

/**
 * A TCP check: `tcp://host:port` is up when a connection opens; `tls://host:port` also completes a TLS handshake
 * straight after connecting (SMTPS, LDAPS, IMAPS …) and records the certificate's expiry and issuer. Resolve,
 * connect and handshake are timed like an HTTP check's; nothing is written to the peer.
 */
export { parseTcpUrl };

export interface TcpTarget {
  kind: 'tcp';
  /** `tcp://host:port` or `tls://host:port`. */
  url: string;
  timeoutMs: number;
  tlsVerify?: boolean;
  caPem?: string;
  /** Sent as SNI and checked against the certificate in place of the URL's host. */
  hostHeader?: string;
}

const defaultLookup: LookupFn = (hostname, opts) => dns.promises.lookup(hostname, opts);

/** Checks a TCP port once. Never rejects; the socket is closed when it resolves. */
export async function probeTcp(target: TcpTarget, options: ProbeOptions = {}): Promise<CheckResult> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const seen: ConnectSeen = { remoteAddress: null, tls: null };
  const stop = checkSignal(target.timeoutMs, options.signal);
  const parsed = parseTcpUrl(target.url);
  let error: CheckError | null = null;
  try {
    if (typeof parsed === 'string') throw new Verdict('unknown', parsed);
    const socket = await openConnection({
      protocol: parsed.protocol,
      host: parsed.host,
      port: parsed.port,
      lookup: options.lookup ?? defaultLookup,
      allowAddress: options.allowAddress,
      ca: target.caPem ?? options.ca,
      verify: target.tlsVerify,
      servername: target.hostHeader,
      clock,
      signal: stop.signal,
      seen,
    });
    socket.destroy();
  } catch (err) {
    error = explainFailure(err, stop.signal, target.timeoutMs, clock.phase, {
      host: typeof parsed === 'string' ? '' : parsed.host,
      port: typeof parsed === 'string' ? 0 : parsed.port,
      remoteAddress: seen.remoteAddress,
    });
  }
  const t = clock.stop();
  stop.dispose();
  return {
    startedAt,
    ok: error === null,
    statusCode: null,
    timings: { dnsMs: t.dns, connectMs: t.connect, tlsMs: t.tls, ttfbMs: t.ttfb, transferMs: t.transfer, totalMs: t.total },
    error,
    tls: seen.tls,
    body: EMPTY_BODY,
    bodyBytes: 0,
    headers: {},
    redirects: 0,
    finalUrl: target.url,
    remoteAddress: seen.remoteAddress,
    detail: null,
  };
}
