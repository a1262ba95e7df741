import { STATUS_CODES } from 'node:http';
import type { AlertCause } from './event';
import { formatDuration } from './duration';

export { formatDuration };

/**
 * Figures in words a person reads at 3 a.m.: durations in the two largest units, instants in UTC without
 * milliseconds, causes the way an engineer would say them. Pure: the same input gives the same words.
 */

const SECOND = 1000;

/** `2025-03-01T12:00:03Z`: ISO 8601 in UTC, to the second. */
export function formatInstant(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2025-03-01T12:00:03Z (4 min 12 s ago)`, relative to `now` (the event's time). */
export function formatSince(sinceMs: number, nowMs: number): string {
  const ago = nowMs - sinceMs;
  return `${formatInstant(sinceMs)} (${ago < SECOND ? 'just now' : `${formatDuration(ago)} ago`})`;
}

/** `123 ms`, `1.25 s` from a second up. */
export function formatLatency(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  return `${(ms / SECOND).toFixed(2).replace(/\.?0+$/, '')} s`;
}

/** `503 Service Unavailable`; just the number for a code Node has no name for. */
export function formatStatus(code: number): string {
  const reason = STATUS_CODES[code];
  return reason === undefined ? String(code) : `${code} ${reason}`;
}

/** The last check's status for a reader: a status line, or that no response came back. */
export function formatLastStatus(code: number | null): string {
  return code === null ? 'no response' : formatStatus(code);
}

function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/** The probe writes every wait in milliseconds ("timed out after 10000 ms"); people read `10 s`. */
function humaniseMs(text: string): string {
  return text.replace(/(\d+(?:\.\d+)?) ms\b/g, (whole, n: string) => {
    const ms = Number(n);
    return ms >= SECOND ? formatLatency(ms) : whole;
  });
}

/**
 * A check's failure in words: `DNS: cannot resolve shop.example.com (ENOTFOUND)`, `HTTP 503 Service
 * Unavailable (expected 200-399)`, `Timed out after 10 s while connecting`. Built from the kind and status code
 * the probe decided, keeping its message for the detail only it knows (host, address, phase, code).
 */
export function describeCause(cause: AlertCause): string {
  const message = humaniseMs(cause.message.trim());
  switch (cause.kind) {
    case 'status': {
      if (cause.statusCode === null) return capitalise(message);
      const expected = /\(expected [^)]*\)/.exec(message)?.[0];
      return `HTTP ${formatStatus(cause.statusCode)}${expected !== undefined ? ` ${expected}` : ''}`;
    }
    case 'dns':
      return `DNS: ${message}`;
    case 'blocked':
      return `Blocked: ${message}`;
    case 'tls':
      return /^TLS\b/.test(message) ? message : `TLS: ${message}`;
    default:
      return capitalise(message === '' ? cause.kind : message);
  }
}

/** `3 sites`, `1 site`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
