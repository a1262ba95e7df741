/** A fixed-size window of recent samples with percentiles; memory stays flat however long the monitor runs. */
export class SampleWindow {
  private readonly buf: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity = 4096) {
    this.buf = new Float64Array(capacity);
  }

  add(value: number): void {
    this.buf[this.next] = value;
    this.next = (this.next + 1) % this.buf.length;
    if (this.filled < this.buf.length) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  /** Nearest-rank percentile (0-100) of the samples in the window; 0 when empty. */
  percentile(p: number): number {
    if (this.filled === 0) return 0;
    const sorted = Array.from(this.buf.subarray(0, this.filled)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank]!;
  }

  max(): number {
    let m = 0;
    for (let i = 0; i < this.filled; i++) m = Math.max(m, this.buf[i]!);
    return m;
  }
}
