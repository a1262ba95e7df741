/**
 * The overview's sparkline on the wire: the last hour as one string, a comma-separated field per minute from
 * `spark.from` (trailing empty minutes left off).
 *
 *   ``        no checks that minute
 *   `123`     mean latency of the checks (ms; tenths below 10 ms), all of which passed
 *   `123!`    mean latency of the passes; some checks failed
 *   `!`       every check failed
 *
 * Sixty `[index, latency, ok]` tuples were nine tenths of a site's overview entry (about 840 of 910 bytes); this
 * form is about a quarter of that, and only the rows on screen are ever decoded. Pure: used by the server and the browser.
 */

/** One minute of the last hour: `[minute index from spark.from, mean latency ms of passes or null, 1 if all passed]`. */
export type SparkTuple = [index: number, latencyMs: number | null, ok: 0 | 1];

/**
 * At the precision the dashboard shows a latency (format.ts formatLatency): tenths below 10 ms, whole ms above.
 * The tenths of a 200 ms latency are noise no reader sees, and noise is what compression cannot shrink: the
 * 10,000-site overview gzips a quarter smaller without them (1.76 → 1.28 MB), and a quarter faster.
 */
function latencyText(ms: number): string {
  return ms < 10 ? String(Math.round(ms * 10) / 10) : String(Math.round(ms));
}

export function encodeSparkMinutes(points: readonly (readonly [number, number | null, 0 | 1])[]): string {
  const fields: string[] = [];
  for (const [index, latency, ok] of points) {
    while (fields.length < index) fields.push('');
    fields[index] = (latency === null ? '' : latencyText(latency)) + (ok ? '' : '!');
  }
  return fields.join(',');
}

/** The minutes back as tuples, oldest first; a field that is neither a latency nor a failure mark is skipped. */
export function decodeSparkMinutes(minutes: string): SparkTuple[] {
  const points: SparkTuple[] = [];
  if (minutes === '') return points;
  const fields = minutes.split(',');
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    if (field === '') continue;
    const failed = field.endsWith('!');
    const text = failed ? field.slice(0, -1) : field;
    const latency = text === '' ? null : Number(text);
    if (latency !== null && !(latency >= 0)) continue;
    points.push([index, latency, failed ? 0 : 1]);
  }
  return points;
}
