import type { Assertion } from '../../db/domain';
import { evaluateAssertions } from './assertions';
import { probeDns, type DnsTarget } from './probes/dns';
import { probeHttp, type HttpTarget } from './probes/http';
import type { CheckResult, ProbeOptions } from './probes/result';
import { probeTcp, type TcpTarget } from './probes/tcp';

export type { AddressPolicy, LookupFn } from './connector';
export type { CheckResult, ProbeOptions } from './probes/result';
export { DEFAULT_BODY_CAP_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_USER_AGENT } from './probes/result';
export type { DnsTarget, HttpTarget, TcpTarget };

/**
 * The one door to a check: `probe(target)` runs the target's kind (probes/http.ts, tcp.ts, dns.ts) and then the
 * site's assertions on what came back, so the scheduler, the CLI and tests call one function and every kind
 * returns the same `CheckResult`. Push sites are not probed: their pings arrive (app/api/push) and a watchdog
 * notices missing ones (push-watchdog.ts).
 */
export type ProbeTarget = (HttpTarget | TcpTarget | DnsTarget) & {
  /** All must hold for the check to pass; judged only when the check itself passed. */
  assertions?: readonly Assertion[];
};

/** Checks one target once. Never rejects: a target that is down is data (`ok: false` with an error). */
export async function probe(target: ProbeTarget, options: ProbeOptions = {}): Promise<CheckResult> {
  const result = await probeKind(target, options);
  if (!result.ok || target.assertions === undefined || target.assertions.length === 0) return result;
  const failed = evaluateAssertions(target.assertions, {
    body: result.body,
    bodyBytes: result.bodyBytes,
    headers: result.headers,
    totalMs: result.timings.totalMs,
  });
  return failed === null ? result : { ...result, ok: false, error: failed };
}

function probeKind(target: ProbeTarget, options: ProbeOptions): Promise<CheckResult> {
  switch (target.kind) {
    case 'tcp':
      return probeTcp(target, options);
    case 'dns':
      return probeDns(target, options);
    default:
      return probeHttp(target, options);
  }
}
