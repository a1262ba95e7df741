import type { CheckOutcome } from '../../db/domain';
import type { CheckResult } from './probe';

/**
 * What a probe's result leaves in history: the one mapping from `CheckResult` to the stored shape, shared by the
 * checker (which adds the site and its lag) and the one-shot CLI (which adds the URL and the hops it followed),
 * so both report a check alike.
 */
export function toCheckOutcome(result: CheckResult): CheckOutcome {
  return {
    checkedAt: result.startedAt,
    ok: result.ok,
    statusCode: result.statusCode,
    timings: result.timings,
    error: result.error,
    tlsExpiresAt: result.tls?.validTo ?? null,
    tlsIssuer: result.tls?.issuer ?? null,
    detail: result.detail,
  };
}
