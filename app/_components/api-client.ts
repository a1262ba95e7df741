'use client';

import { z } from 'zod';
import { SITE_STATES } from '@/db/domain';
import type { ApiSite } from '@/lib/api/present';
import type { ApiIncidentList } from '@/lib/api/present-incident';
import type { HealthReport } from '@/lib/health';
import type { OverviewWire } from './overview-types';

/**
 * The browser's one door to the REST API. Every call comes back as a value, never a rejection: the answer,
 * checked against the shape this page relies on, or a failure with the API's code, message and per-field
 * messages. A 401 means the session has ended: the page goes to the login page, which brings the person back
 * here (`?next=`) after logging in, instead of showing data that silently stopped updating.
 */

export interface ApiFailure {
  ok: false;
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** The API's error code (`validation`, `not_found`, `unavailable` …), `network` or `bad_response`. */
  code: string;
  /** A sentence for people. */
  message: string;
  /** Per-field messages for `validation`, keyed by the API's field names (map them to labels to show them). */
  fields: Record<string, string>;
}

export type ApiResult<T> = { ok: true; value: T } | ApiFailure;

const UNREACHABLE = 'Could not reach Upbeat. Check the connection and try again.';
const NOT_UNDERSTOOD = 'Upbeat answered in a way this page does not understand. Reload the page and try again.';
const SESSION_ENDED = 'Your session has ended. Log in again.';

/** Sends the browser to the login page, to come back to this page; once, however many calls see the 401. */
let leaving = false;
export function goToLogin(): void {
  if (leaving) return;
  leaving = true;
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(here)}`);
}

const errorBody = z.object({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export interface SendOptions<T> {
  body?: unknown;
  /** The shape the page relies on; null for an answer without a body (204). */
  expect: z.ZodType<T> | null;
  /** A 401 here is an answer to show (wrong password on the login form), not an ended session. */
  isUnauthorizedAnAnswer?: boolean;
  /** Statuses besides 2xx whose body is the answer (health: 503 says "stalled" with the same body). */
  alsoOk?: number[];
  /** Leave a successful answer's body unread (an event stream never ends). */
  isBodyIgnored?: boolean;
  signal?: AbortSignal;
}

/** One call to the API, its answer checked against `expect` (for the feature clients beside this one). */
export async function send<T>(method: string, url: string, options: SendOptions<T>): Promise<ApiResult<T>> {
  const { body, expect } = options;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: options.signal,
    });
  } catch {
    return { ok: false, status: 0, code: 'network', message: UNREACHABLE, fields: {} };
  }
  let payload: unknown = null;
  if (res.status !== 204 && !(res.ok && options.isBodyIgnored)) payload = await res.json().catch(() => undefined);

  if (res.ok || options.alsoOk?.includes(res.status)) {
    if (expect === null) return { ok: true, value: null as T };
    const parsed = expect.safeParse(payload);
    if (parsed.success) return { ok: true, value: parsed.data };
    console.warn(`[upbeat] ${method} ${url}: unexpected answer`, parsed.error.issues.slice(0, 3));
    return { ok: false, status: res.status, code: 'bad_response', message: NOT_UNDERSTOOD, fields: {} };
  }
  if (res.status === 401 && !options.isUnauthorizedAnAnswer) {
    goToLogin();
    return { ok: false, status: 401, code: 'unauthorized', message: SESSION_ENDED, fields: {} };
  }
  const error = errorBody.safeParse(payload);
  const detail = error.success ? error.data.error : undefined;
  return {
    ok: false,
    status: res.status,
    code: detail?.code ?? 'http',
    message: detail?.message ?? `Upbeat answered ${res.status} ${res.statusText}`.trim() + '.',
    fields: detail?.fields ?? {},
  };
}

/**
 * What to say about a failure next to a form, in its own words: every field message under the field's label
 * (`{ newPassword: 'New password' }` → "New password must be at least 10 characters"). Fields the form has no
 * label for, and failures without fields, fall back to the API's message.
 */
export function describeFailure(failure: ApiFailure, labels: Record<string, string>): string {
  const entries = Object.entries(failure.fields);
  if (entries.length === 0 || entries.some(([field]) => !(field in labels))) return failure.message;
  return entries.map(([field, problem]) => `${labels[field]} ${problem}.`).join(' ');
}

/** For SWR fetchers, which report failures by throwing. */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.message, { cause: result });
}

// ---------------------------------------------------------------------------------------------------------------
// The shapes the islands rely on. Loose: fields added to the API later pass through untouched.

const siteShape = z.looseObject({
  id: z.number(),
  name: z.string(),
  url: z.string(),
  state: z.enum(SITE_STATES),
  paused: z.boolean(),
});
const site = siteShape as unknown as z.ZodType<ApiSite>;

const overview = z.looseObject({
  at: z.number(),
  sites: z.array(siteShape.extend({ spark: z.looseObject({ minutes: z.string() }) })),
}) as unknown as z.ZodType<OverviewWire>;

export type HealthWire = Pick<HealthReport, 'status' | 'reasons'>;
const health: z.ZodType<HealthWire> = z.looseObject({
  status: z.enum(['ok', 'behind', 'stalled', 'off']),
  // A caller without credentials gets the status alone.
  reasons: z.array(z.string()).default([]),
});

const token = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenWire = z.infer<typeof token>;

const incidentList = z.looseObject({
  incidents: z.array(z.looseObject({ id: z.number(), siteId: z.number(), open: z.boolean(), startedAt: z.string() })),
  last30Days: z.looseObject({ count: z.number(), mttrMs: z.number().nullable() }),
}) as unknown as z.ZodType<ApiIncidentList>;

const user = z.looseObject({ user: z.looseObject({ username: z.string() }) });

export const api = {
  createSite: (body: unknown) => send('POST', '/api/sites', { body, expect: site }),
  updateSite: (id: number, body: unknown) => send('PATCH', `/api/sites/${id}`, { body, expect: site }),
  getSite: (id: number) => send('GET', `/api/sites/${id}`, { expect: site }),
  deleteSite: (id: number) => send('DELETE', `/api/sites/${id}`, { expect: null }),
  checkNow: (id: number) =>
    send('POST', `/api/sites/${id}/check-now`, { expect: z.looseObject({ requested: z.boolean() }) }),

  /** Every site's row on the overview, or only `ids`. */
  overview: (ids?: readonly number[]) =>
    send('GET', ids ? `/api/overview?ids=${ids.join(',')}` : '/api/overview', { expect: overview }),
  health: () => send('GET', '/api/health', { expect: health, alsoOk: [503] }),
  /** `/api/incidents?…` or `/api/sites/{id}/incidents?…`. */
  incidents: (url: string) => send('GET', url, { expect: incidentList }),

  login: (body: { username: string; password: string }) =>
    send('POST', '/api/auth/login', { body, expect: user, isUnauthorizedAnAnswer: true }),
  setup: (body: { username: string; password: string; code?: string }) =>
    send('POST', '/api/auth/setup', { body, expect: user, isUnauthorizedAnAnswer: true }),
  logout: () => send('POST', '/api/auth/logout', { expect: null, isUnauthorizedAnAnswer: true }),
  changePassword: (body: { currentPassword: string; newPassword: string; revokeTokens?: boolean }) =>
    send('POST', '/api/auth/password', { body, expect: null }),

  tokens: () => send('GET', '/api/tokens', { expect: z.object({ tokens: z.array(token) }) }),
  createToken: (name: string) =>
    send('POST', '/api/tokens', { body: { name }, expect: z.looseObject({ token, secret: z.string() }) }),
  revokeToken: (id: number) => send('DELETE', `/api/tokens/${id}`, { expect: null }),

  /**
   * Why the live event stream was refused: EventSource never says, so ask the same URL once and drop the stream
   * if it opens. A 401 goes to the login page like any other call.
   */
  async checkEventStream(url: string): Promise<ApiResult<null>> {
    const abort = new AbortController();
    try {
      return await send('GET', url, { expect: null, signal: abort.signal, isBodyIgnored: true });
    } finally {
      abort.abort();
    }
  },
};
