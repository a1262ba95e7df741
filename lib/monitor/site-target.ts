import type { Site } from '../../db/domain';
import { statusRangesOf } from '../status-codes';
import { readsBody } from './assertions';
import { DEFAULT_BODY_CAP_BYTES, type ProbeOptions, type ProbeTarget } from './probe';

/** What the probe is asked to check for a site: its kind's target, with its assertions. (Push sites are not probed.) */
export function probeTargetOf(site: Site): ProbeTarget {
  const assertions = site.assertions.length > 0 ? { assertions: site.assertions } : {};
  const tls = {
    ...(site.tlsVerify ? {} : { tlsVerify: false }),
    ...(site.caPem !== null ? { caPem: site.caPem } : {}),
    ...(site.hostHeader !== null ? { hostHeader: site.hostHeader } : {}),
  };
  switch (site.kind) {
    case 'tcp':
      return { kind: 'tcp', url: site.url, timeoutMs: site.timeoutMs, ...tls, ...assertions };
    case 'dns':
      return {
        kind: 'dns',
        url: site.url,
        recordType: site.dnsRecordType,
        server: site.dnsServer,
        expected: site.dnsExpected,
        timeoutMs: site.timeoutMs,
        ...assertions,
      };
    default:
      return {
        url: site.url,
        method: site.method,
        timeoutMs: site.timeoutMs,
        expectedStatus: statusRangesOf(site.expectedStatus),
        followRedirects: site.followRedirects,
        ...(Object.keys(site.headers).length > 0 ? { headers: site.headers } : {}),
        ...(site.requestBody !== null ? { body: site.requestBody } : {}),
        ...(site.requestContentType !== null ? { contentType: site.requestContentType } : {}),
        ...tls,
        ...assertions,
      };
  }
}

/** The body is kept only for sites whose assertions read it; the rest only count it, which costs no copies. */
export function probeOptionsFor(site: Site, base: ProbeOptions | undefined): ProbeOptions {
  return { ...base, bodyCapBytes: readsBody(site.assertions) ? DEFAULT_BODY_CAP_BYTES : 0 };
}
