/**
 * Durations in the two largest units, the one wording for how long something lasted: in messages
 * (lib/alerts/words.ts) and on the pages alike. No Node imports, so the browser can use it.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `4 min 12 s`, `2 h 5 min`, `3 d 4 h`, `45 s`; under a second `under 1 s`. The smaller unit is left out at 0. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < SECOND) return 'under 1 s';
  const units: Array<[number, string]> = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [SECOND, 's'],
  ];
  const i = units.findIndex(([size]) => ms >= size);
  const [big, bigName] = units[i]!;
  const whole = Math.floor(ms / big);
  if (i === units.length - 1) return `${whole} ${bigName}`;
  const [small, smallName] = units[i + 1]!;
  const rest = Math.floor((ms - whole * big) / small);
  return rest === 0 ? `${whole} ${bigName}` : `${whole} ${bigName} ${rest} ${smallName}`;
}
