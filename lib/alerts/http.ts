import { request } from 'undici';
import { classifyError, codesOf } from '../monitor/classify';
import { ADDRESS_REFUSED } from '../monitor/connector';
import type { SendContext, SendOutcome } from './channel';
import { defaultTargetGuard } from './guard';
import { formatLatency, formatStatus } from './words';

/**
 * The HTTP half every web-API channel shares: one POST through the guarded dispatcher, and the answer turned
 * into a `SendOutcome` by one rule, so "is this worth retrying" is decided in one place for all of them.
 */

/** Longest error or detail text kept from a service's answer. */
export const MAX_ERROR_TEXT = 300;
/** Answers are read up to this many bytes; a service's verdict fits well within it. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ServicePost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Posts once and says what came of it. Never throws; does not follow redirects. */
export async function postToService(post: ServicePost, ctx: SendContext): Promise<SendOutcome> {
  const signal = AbortSignal.timeout(ctx.timeoutMs);
  try {
    const res = await request(post.url, {
      method: 'POST',
      headers: post.headers,
      body: post.body,
      dispatcher: ctx.dispatcher ?? defaultTargetGuard().dispatcher,
      signal,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    });
    const text = await readCapped(res.body);
    return outcomeOfResponse(res.statusCode, res.headers, text, Date.now());
  } catch (err) {
    return outcomeOfError(err, signal.aborted, ctx.timeoutMs);
  }
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  // Read to the end (so the connection can be reused) but keep only the head.
  for await (const chunk of body) {
    if (size < MAX_BODY_BYTES) kept.push(chunk.subarray(0, MAX_BODY_BYTES - size));
    size += chunk.length;
  }
  return Buffer.concat(kept).toString('utf8');
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * The rule: 2xx delivered; 408, 429 and 5xx retryable (honouring `Retry-After`, or the wait a 429 body names);
 * any other answer — 4xx, and 3xx, since a service URL must be its final address — is not.
 */
export function outcomeOfResponse(status: number, headers: Headers, text: string, now: number): SendOutcome {
  if (status >= 200 && status < 300) {
    const detail = clip(oneLine(text), MAX_ERROR_TEXT);
    return detail === '' ? { delivered: true, status } : { delivered: true, status, detail };
  }
  if (status >= 300 && status < 400) {
    const location = first(headers.location);
    const where = location !== undefined ? ` to ${clip(location, 200)}` : '';
    return {
      delivered: false,
      retryable: false,
      status,
      error: `HTTP ${formatStatus(status)}: redirected${where}; use the final URL`,
    };
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  const error = serviceErrorText(text) ?? `HTTP ${formatStatus(status)}`;
  const outcome: SendOutcome = { delivered: false, retryable, status, error };
  if (retryable) {
    const wait = parseRetryAfter(first(headers['retry-after']), now) ?? retryAfterInBody(text);
    if (wait !== null) outcome.retryAfterMs = wait;
  }
  return outcome;
}

/** A failure before any answer: a timeout or the network (retryable), or the target policy (`blocked`, not). */
export function outcomeOfError(err: unknown, timedOut: boolean, timeoutMs: number): SendOutcome {
  if (codesOf(err).includes(ADDRESS_REFUSED)) {
    return { delivered: false, retryable: false, status: null, error: `blocked: ${messageOf(err, ADDRESS_REFUSED)}` };
  }
  if (timedOut) {
    return { delivered: false, retryable: true, status: null, error: `timed out after ${formatLatency(timeoutMs)}` };
  }
  const { kind, code } = classifyError(err);
  const message = messageOf(err, code);
  const tag = code !== null && !message.includes(code) ? ` (${code})` : '';
  return { delivered: false, retryable: true, status: null, error: clip(`${kind}: ${message}${tag}`, MAX_ERROR_TEXT) };
}

/** The message of the error in the chain that carries `code` (the one that says what happened), else the outermost. */
function messageOf(err: unknown, code: string | null): string {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    if (code === null || (e as { code?: unknown }).code === code) return clip(oneLine(e.message), MAX_ERROR_TEXT);
    e = e.cause;
  }
  return err instanceof Error ? clip(oneLine(err.message), MAX_ERROR_TEXT) : String(err);
}

/**
 * `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Telegram (`parameters.retry_after`) and Discord (`retry_after`) name the wait in the body, in seconds. */
function retryAfterInBody(text: string): number | null {
  const json = parseJson(text);
  if (json === null) return null;
  const params = json.parameters as Record<string, unknown> | undefined;
  const seconds = typeof json.retry_after === 'number' ? json.retry_after : params?.retry_after;
  return typeof seconds === 'number' && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

/**
 * The service's own words for what went wrong, from the fields the services use: Telegram `description`,
 * Gotify `errorDescription`, Pushover `errors`, ntfy and Teams `error`, Discord `message`; else the body as text.
 */
export function serviceErrorText(text: string): string | null {
  const json = parseJson(text);
  if (json !== null) {
    const error = json.error;
    const candidates: unknown[] = [
      json.description,
      json.errorDescription,
      Array.isArray(json.errors) ? json.errors.filter((e) => typeof e === 'string').join('; ') : undefined,
      typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error,
      json.message,
    ];
    const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    if (found !== undefined) return clip(oneLine(found), MAX_ERROR_TEXT);
  }
  const plain = clip(oneLine(text), MAX_ERROR_TEXT);
  return plain === '' ? null : plain;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Shortens to `max` characters, marking the cut with `…`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `base` + `/path`, keeping any path prefix of a self-hosted server (`https://example.com/ntfy`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
