/** Minute detail of recent hours (MINUTE_DETAIL_HOURS in db/retention.ts says why): the codec of one hour's block. */

export const MINUTES_PER_HOUR = 60;

/**
 * Per-minute checks, passes and the passes' latency sum (µs) of one hour, dense: index minute × 3 + field.
 * Encoded as the non-empty minutes only, ascending: (minute: 1 byte, checks, up, latency sum: unsigned LEB128
 * varints) — about 7 bytes a minute for a site checked once a minute.
 */
export type MinuteCounts = Float64Array;

export const newMinuteCounts = (): MinuteCounts => new Float64Array(MINUTES_PER_HOUR * 3);

function pushVarint(out: number[], v: number): void {
  let c = v;
  while (c >= 128) {
    out.push((c % 128) | 128);
    c = Math.floor(c / 128);
  }
  out.push(c);
}

export function encodeMinutes(m: MinuteCounts): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < MINUTES_PER_HOUR; i++) {
    if (m[i * 3]! <= 0) continue;
    out.push(i);
    pushVarint(out, m[i * 3]!);
    pushVarint(out, m[i * 3 + 1]!);
    pushVarint(out, m[i * 3 + 2]!);
  }
  return Uint8Array.from(out);
}

/** Adds an encoded block into dense counts; a malformed tail is ignored. */
export function addMinutes(into: MinuteCounts, blob: Uint8Array | null | undefined): void {
  if (!blob) return;
  let at = 0;
  const n = blob.length;
  const next = (): number => {
    let v = 0;
    let scale = 1;
    let byte = 128;
    while (at < n && byte >= 128) {
      byte = blob[at++]!;
      v += (byte & 127) * scale;
      scale *= 128;
    }
    return byte >= 128 ? NaN : v;
  };
  while (at < n) {
    const minute = blob[at++]!;
    const checks = next();
    const up = next();
    const sum = next();
    if (Number.isNaN(sum) || minute >= MINUTES_PER_HOUR) return;
    into[minute * 3]! += checks;
    into[minute * 3 + 1]! += up;
    into[minute * 3 + 2]! += sum;
  }
}

export function mergeMinutes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): Uint8Array | null {
  if (!a || a.length === 0) return b ?? null;
  if (!b || b.length === 0) return a;
  const m = newMinuteCounts();
  addMinutes(m, a);
  addMinutes(m, b);
  return encodeMinutes(m);
}
