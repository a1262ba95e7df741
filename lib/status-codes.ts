/**
 * Expected status codes as a compact spec: comma-separated codes and inclusive ranges, e.g. `200-299,301`.
 * Stored as written (normalised), matched without allocation.
 */
export type StatusRange = readonly [number, number];

export const DEFAULT_EXPECTED_STATUS = '200-399';

/** Parses a spec, or returns a sentence saying what is wrong with it. */
export function parseStatusSpec(spec: string): StatusRange[] | string {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) return 'must be codes or ranges like 200-299,301';
  const ranges: StatusRange[] = [];
  for (const part of parts) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) return `"${part}" is not a status code or a range like 200-299`;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 100 || hi > 599) return `"${part}" is outside 100-599`;
    if (hi < lo) return `"${part}" ends before it starts`;
    ranges.push([lo, hi]);
  }
  return ranges;
}

/** The canonical text of a valid spec (`200-299, 301` → `200-299,301`). */
export function normaliseStatusSpec(ranges: readonly StatusRange[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',');
}

export function matchesStatus(ranges: readonly StatusRange[], code: number): boolean {
  for (const [lo, hi] of ranges) if (code >= lo && code <= hi) return true;
  return false;
}

/** For specs already validated on the way in (everything in the database). */
export function statusRangesOf(spec: string): StatusRange[] {
  const parsed = parseStatusSpec(spec);
  if (typeof parsed === 'string') return parseStatusSpec(DEFAULT_EXPECTED_STATUS) as StatusRange[];
  return parsed;
}
