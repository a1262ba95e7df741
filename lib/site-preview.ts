import type { Store } from '../db';
import type { Assertion, CheckError, Site, SiteSettings } from '../db/domain';
import { getConfig } from './config';
import { AppError } from './errors';
import { RateLimiter, enforceRateLimit } from './http/rate-limit';
import { explainAssertions } from './monitor/assertions';
import { DEFAULT_BODY_CAP_BYTES, probe, type ProbeOptions } from './monitor/probe';
import { probeTargetOf } from './monitor/site-target';
import { validateNewSite, validateSitePatch } from './schemas';
import { settleKind } from './site-kinds';
import { assertKindTargetsAllowed, getSite } from './sites';
import { addressPolicy } from './target-policy';

/**
 * One check of a draft site, run now, for the site form's live preview: the same validation and target policy
 * as saving it, the same probe as the checker, and each assertion's verdict on what came back. Nothing is
 * written: the draft is never a site, and the result is never a check in history.
 */

export interface AssertionVerdict {
  /** Null when the check never reached a response to judge (it failed before). */
  holds: boolean | null;
  /** What was seen when it does not hold (the message a failed check would carry); null when it holds. */
  seen: string | null;
}

export interface PreviewResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** Why the check failed: its own error, or the first assertion that does not hold. */
  error: CheckError | null;
  /** One per assertion, in the draft's order. */
  assertions: AssertionVerdict[];
  /** The start of the body as text (what body and JSON assertions read), on one line. */
  bodyStart: string | null;
  /** A DNS answer, or what else the kind saw beyond a status. */
  detail: string | null;
}

const BODY_START_CHARS = 300;

/**
 * Previews run network I/O for a logged-in caller on demand, so they are bounded like anything a client can
 * trigger at will: a burst of 10 then one every 2 s per client, and 4 in flight in all.
 */
export const PREVIEW_LIMITS = { perSecond: 0.5, burst: 10, inFlight: 4 } as const;

const KEY = Symbol.for('upbeat.previewLimiter');
type Holder = { [KEY]?: { limiter: RateLimiter; running: number } };

function previewState(): { limiter: RateLimiter; running: number } {
  const holder = globalThis as Holder;
  holder[KEY] ??= { limiter: new RateLimiter(PREVIEW_LIMITS), running: 0 };
  return holder[KEY];
}

/** The draft as it would be saved: a new site, or `siteId`'s stored settings with the draft's changes. */
function draftOf(store: Store, input: unknown): SiteSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AppError('validation', 'Invalid preview: body must be a JSON object', { _: 'must be a JSON object' });
  }
  const { siteId, ...draft } = input as Record<string, unknown>;
  if (siteId === undefined) return validateNewSite(draft);
  if (typeof siteId !== 'number' || !Number.isSafeInteger(siteId) || siteId < 1) {
    throw new AppError('validation', 'Invalid preview: siteId must be a site id', { siteId: 'must be a site id' });
  }
  // An edit: stored secrets (header values, the request body) are never sent back to the form, so the preview
  // uses the stored ones for every field the draft leaves out.
  const { channels: _channels, ...patch } = validateSitePatch(draft);
  const merged = { ...getSite(store, siteId), ...patch };
  return { ...merged, url: settleKind(merged).url };
}

/** Runs one check of the draft in `input`. Throws AppError for a bad draft (400), a refused target, or a busy client (429). */
export async function previewSite(
  store: Store,
  input: unknown,
  clientKey: string,
  options: ProbeOptions = { allowAddress: addressPolicy({ blockPrivate: getConfig().blockPrivate }) },
): Promise<PreviewResult> {
  const settings = draftOf(store, input);
  if (settings.kind === 'push') {
    throw new AppError('validation', 'Invalid preview: kind push is not checked by Upbeat; the job pings it', {
      kind: 'push sites are pinged by the job they watch; there is nothing to check now',
    });
  }
  await assertKindTargetsAllowed(settings);
  const state = previewState();
  enforceRateLimit(state.limiter, clientKey);
  if (state.running >= PREVIEW_LIMITS.inFlight) {
    throw new AppError('rate_limited', 'Too many previews running; try again in a second', undefined, { retryAfterSeconds: 1 });
  }
  state.running++;
  try {
    return await checkOnce(settings, options);
  } finally {
    state.running--;
  }
}

async function checkOnce(settings: SiteSettings, options: ProbeOptions): Promise<PreviewResult> {
  const site: Site = { ...settings, id: 0, state: 'pending', createdAt: 0, updatedAt: 0, checkRequestedAt: null, channels: [] };
  // Judged here rather than by the probe, which stops at the first failure: the preview shows every row.
  const { assertions: _judgedBelow, ...target } = probeTargetOf(site);
  // The body is always kept: its start is shown beside the rows, also for a draft with no body assertion yet.
  const result = await probe(target, { ...options, bodyCapBytes: DEFAULT_BODY_CAP_BYTES });
  const judged = result.ok ? verdicts(settings.assertions, result) : settings.assertions.map(() => ({ holds: null, seen: null }));
  const failed = judged.find((v) => v.holds === false);
  const text = result.body.length > 0 ? result.body.toString('utf8').replace(/\s+/g, ' ').trim() : '';
  return {
    ok: result.ok && failed === undefined,
    statusCode: result.statusCode,
    latencyMs: Math.round(result.timings.totalMs * 10) / 10,
    error: result.error ?? (failed ? { kind: 'assertion', message: failed.seen ?? '' } : null),
    assertions: judged,
    bodyStart: text === '' ? null : text.slice(0, BODY_START_CHARS),
    detail: result.detail,
  };
}

function verdicts(
  assertions: readonly Assertion[],
  result: { body: Buffer; bodyBytes: number; headers: Readonly<Record<string, string>>; timings: { totalMs: number } },
): AssertionVerdict[] {
  const seen = explainAssertions(assertions, {
    body: result.body,
    bodyBytes: result.bodyBytes,
    headers: result.headers,
    totalMs: result.timings.totalMs,
  });
  return seen.map((problem) => ({ holds: problem === null, seen: problem }));
}
