/**
 * The injected latency of each virtual site of the target server: shared by the server (which waits it) and the
 * benchmark (which compares what the probe measured against it).
 */
export const DELAY_MIN_MS = 20;
export const DELAY_MAX_MS = 300;

/** A stable delay in [DELAY_MIN_MS, DELAY_MAX_MS] from the site number, spread evenly (an integer hash). */
export function delayOf(siteNumber: number): number {
  let h = (siteNumber ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  h = (h ^ (h >>> 15)) >>> 0;
  return DELAY_MIN_MS + (h % (DELAY_MAX_MS - DELAY_MIN_MS + 1));
}

/** The URL path of a virtual site; `delayMs` overrides the site's own delay. */
export function sitePath(siteNumber: number, delayMs?: number): string {
  return delayMs === undefined ? `/s/${siteNumber}` : `/s/${siteNumber}?d=${delayMs}`;
}

/** The site number in a target URL (`.../s/<n>`), or null. */
export function siteNumberOf(url: string): number | null {
  const m = /\/s\/(\d+)/.exec(url);
  return m ? Number(m[1]) : null;
}

/** The delay a target URL asks for: its `?d=` if given, else its site's own. */
export function delayOfUrl(url: string): number | null {
  const d = /[?&]d=(\d+)/.exec(url);
  if (d) return Number(d[1]);
  const n = siteNumberOf(url);
  return n === null ? null : delayOf(n);
}
