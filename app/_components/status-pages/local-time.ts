/**
 * `<input type="datetime-local">` speaks the viewer's wall-clock time without a zone ("2030-01-15T10:00"); the
 * API speaks ISO 8601 instants. These two convert between them in the browser's own time zone.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the input's value, in this browser's zone, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The input's value as an ISO 8601 instant; null when empty or not a time. */
export function fromLocalInput(value: string): string | null {
  // Without an offset, a date-time string is read in the local zone (ECMAScript Date.parse).
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The zone the inputs are in, to say so beside them ("Europe/Berlin"). */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
