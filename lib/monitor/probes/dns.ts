import dns from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { CheckError, DnsRecordType } from '../../../db/domain';
import { classifyError } from '../classify';
import { untilAborted } from '../connector';
import { parseDnsServer } from '../../target-syntax';
import { checkSignal, EMPTY_BODY, explainStop, truncate, Verdict, type CheckResult, type ProbeOptions } from './result';


/**
 * A DNS check: resolve one name for one record type, through the system's resolvers or a given server, and
 * optionally compare the answer with the values expected. The answer is kept in `detail` (and in the message of
 * a failure); the time it took is the check's dns phase and its total.
 */
export interface DnsTarget {
  kind: 'dns';
  /** The name to resolve: `dns://name` or the bare name. */
  url: string;
  recordType: DnsRecordType;
  /** `ip` or `ip:port` (`[ipv6]:port`); null or absent: the system's resolvers. */
  server?: string | null;
  /** Values every one of which must be in the answer (case-insensitive); empty: any answer is up. */
  expected?: readonly string[];
  timeoutMs: number;
}

/** The name a DNS target resolves. */
export function dnsNameOf(url: string): string {
  return url.replace(/^dns:\/\//i, '').replace(/\/+$/, '');
}

/** The answer as one line per record, in the resolver's order. */
async function resolve(resolver: dns.promises.Resolver, name: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(name);
    case 'AAAA':
      return resolver.resolve6(name);
    case 'CNAME':
      return resolver.resolveCname(name);
    case 'NS':
      return resolver.resolveNs(name);
    case 'MX':
      return (await resolver.resolveMx(name)).map((r) => `${r.priority} ${r.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  }
}

/** A value as compared: names lose case and a trailing dot, MX and TXT compare as written. */
function comparable(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, '');
}

/** Checks one name once. Never rejects; the resolver's queries are cancelled when it resolves. */
export async function probeDns(target: DnsTarget, options: ProbeOptions = {}): Promise<CheckResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const name = dnsNameOf(target.url);
  const stop = checkSignal(target.timeoutMs, options.signal);
  // One try within the check's own deadline: c-ares' retries would only race it.
  const resolver = new dns.promises.Resolver({ timeout: target.timeoutMs, tries: 1 });
  let error: CheckError | null = null;
  let detail: string | null = null;
  let remoteAddress: string | null = null;
  try {
    if (target.server) {
      const server = parseDnsServer(target.server);
      if (typeof server === 'string') throw new Verdict('unknown', `DNS server ${server}`);
      const refusal = options.allowAddress?.(server.address) ?? null;
      if (refusal !== null) throw new Verdict('blocked', refusal);
      remoteAddress = server.address;
      resolver.setServers([net.isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`]);
    }
    const onAbort = () => resolver.cancel();
    stop.signal.addEventListener('abort', onAbort, { once: true });
    let answer: string[];
    try {
      answer = await untilAborted(resolve(resolver, name, target.recordType), stop.signal);
    } finally {
      stop.signal.removeEventListener('abort', onAbort);
    }
    detail = truncate(`${target.recordType} ${answer.join(', ')}`, 500);
    const seen = new Set(answer.map(comparable));
    const missing = (target.expected ?? []).filter((v) => !seen.has(comparable(v)));
    if (missing.length > 0) {
      throw new Verdict(
        'assertion',
        truncate(`${target.recordType} ${name} answered ${answer.join(', ') || 'nothing'} (expected ${missing.join(', ')})`, 300),
      );
    }
  } catch (err) {
    error = explainDns(err, stop.signal, target, name);
  }
  resolver.cancel();
  stop.dispose();
  const ms = performance.now() - t0;
  const totalMs = Math.round(ms * 1000) / 1000;
  return {
    startedAt,
    ok: error === null,
    statusCode: null,
    timings: { dnsMs: totalMs, connectMs: 0, tlsMs: 0, ttfbMs: 0, transferMs: 0, totalMs },
    error,
    tls: null,
    body: EMPTY_BODY,
    bodyBytes: 0,
    headers: {},
    redirects: 0,
    finalUrl: target.url,
    remoteAddress,
    detail,
  };
}

/** c-ares' codes in words people know. */
const DNS_WORDS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such name (NXDOMAIN)',
  ENODATA: 'no records of that type',
  ESERVFAIL: 'server failure',
  EREFUSED: 'query refused',
  ETIMEOUT: 'no answer in time',
  ECONNREFUSED: 'server refused the connection',
};

function explainDns(err: unknown, signal: AbortSignal, target: DnsTarget, name: string): CheckError {
  const stopped = explainStop(signal, target.timeoutMs, ' while resolving');
  if (stopped !== null) return stopped;
  if (err instanceof Verdict) return { kind: err.kind, message: err.message };
  const { kind, code } = classifyError(err);
  const words = code !== null ? (DNS_WORDS[code] ?? code) : 'failed';
  // A resolver that gives up on its own is a failed lookup, whatever its code: the user asked about the name.
  const asKind = kind === 'unknown' || kind === 'refused' || kind === 'timeout' ? 'dns' : kind;
  return { kind: asKind, message: `${target.recordType} ${name}: ${words}${code !== null && words !== code ? ` (${code})` : ''}` };
}
