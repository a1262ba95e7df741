/**
 * Keeps the first `cap` bytes of a body and counts the rest. Kept bytes are copied out of undici's read buffers,
 * so memory stays at `cap` however large the body is; with a cap of 0 the body is only counted (the cheap case for
 * sites without body assertions).
 */
export class BodySink {
  bytes = 0;
  private kept: Buffer[] = [];
  private keptBytes = 0;

  constructor(readonly cap: number) {}

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    const room = this.cap - this.keptBytes;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.kept.push(Buffer.from(part));
    this.keptBytes += part.length;
  }

  body(): Buffer {
    return this.kept.length === 1 ? (this.kept[0] as Buffer) : Buffer.concat(this.kept, this.keptBytes);
  }
}

/** undici's raw header values as one string per lower-case name (repeated headers joined by ", "). */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
