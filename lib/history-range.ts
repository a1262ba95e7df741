import { AppError } from './errors';
import { DEFAULT_RANGE, RANGES, RANGE_KEYS, type RangeKey } from './history-types';

/** The named time ranges of a site's history: which one a page opens on, what each covers, and reading one. */

const HOUR = 3_600_000;

/**
 * The range a site's page opens on when none is asked for: 1 h for a site added within the last hour (a day's
 * axis would squeeze its first checks against the right edge), else DEFAULT_RANGE.
 */
export function defaultRangeFor(createdAt: number, now: number): RangeKey {
  return now - createdAt < HOUR ? '1h' : DEFAULT_RANGE;
}

export function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.hasOwn(RANGES, value);
}

/** The window [from, to) a named range covers, ending now. */
export function rangeBounds(range: RangeKey, now: number): { from: number; to: number } {
  return { from: now - RANGES[range], to: now };
}

/**
 * Reads `range` from a query string: absent means the default; anything but a known range name is
 * AppError('validation') naming the field.
 */
export function parseRange(raw: string | null | undefined, now: number): { range: RangeKey; from: number; to: number } {
  const range = raw === null || raw === undefined || raw === '' ? DEFAULT_RANGE : raw;
  if (!isRangeKey(range)) {
    const message = `must be one of ${RANGE_KEYS.join(', ')}`;
    throw new AppError('validation', `Invalid query: range ${message}`, { range: message });
  }
  return { range, ...rangeBounds(range, now) };
}
