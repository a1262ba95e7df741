/** Display formats shared by the overview's cells. Pure functions: the same text on server and client. */

export function formatAgo(elapsedMs: number): string {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Rounded down, so 99.996 % never reads as a perfect 100 %. */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio >= 1) return '100%';
  return `${(Math.floor(ratio * 10000) / 100).toFixed(2)}%`;
}

/** A time in the viewer's own time zone and locale (call on the client only). */
let localFormat: Intl.DateTimeFormat | undefined;
export function formatLocalTime(ms: number): string {
  // One formatter for the page: building one per call costs more than the formatting.
  localFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return localFormat.format(ms);
}
