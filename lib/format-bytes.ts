const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1,234,567 → "1.2 MB" (powers of 1,000, as disks are sold). */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? Math.round(v) : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`;
}
