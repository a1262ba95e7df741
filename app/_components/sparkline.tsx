import { memo } from 'react';
import type { OverviewSiteWire } from './overview-types';
import { formatLatency } from './format';
import { decodeSparkMinutes } from './spark-minutes';

const W = 120;
const H = 28;
const PAD = 2;

/**
 * The last hour's latency as an inline SVG: one point per minute, scaled to the row's own peak; minutes with a
 * failed check get a mark along the bottom. `windowEnd` is the end of the hour shown, epoch ms.
 */
export const Sparkline = memo(function Sparkline({
  spark,
  windowEnd,
  className,
}: {
  spark: OverviewSiteWire['spark'];
  windowEnd: number;
  className?: string;
}) {
  const span = 60 * spark.bucketMs;
  const start = windowEnd - span;
  const decoded = decodeSparkMinutes(spark.minutes);
  const x = (at: number) => PAD + ((at - start) / span) * (W - 2 * PAD);
  let max = 0;
  let min = Infinity;
  for (const [, ms] of decoded) {
    if (ms !== null) {
      max = Math.max(max, ms);
      min = Math.min(min, ms);
    }
  }
  const top = max > 0 ? max * 1.1 : 1;
  const y = (ms: number) => H - PAD - 3 - (ms / top) * (H - 2 * PAD - 3);

  // Minutes whose checks all failed break the line; minutes without checks (paused, long intervals) join
  // their neighbours.
  const segments: [number, number][][] = [];
  let current: [number, number][] = [];
  const failures: number[] = [];
  for (const [index, ms, ok] of decoded) {
    const at = spark.from + index * spark.bucketMs;
    if (at + spark.bucketMs <= start) continue;
    if (!ok) failures.push(x(at));
    if (ms === null) {
      if (current.length > 0) segments.push(current);
      current = [];
      continue;
    }
    current.push([x(at), y(ms)]);
  }
  if (current.length > 0) segments.push(current);
  const label =
    max > 0
      ? `Latency over the last hour: ${formatLatency(min)} to ${formatLatency(max)}` +
        (failures.length > 0 ? `, ${failures.length} minutes with failures` : '')
      : failures.length > 0
        ? 'Every check in the last hour failed'
        : 'No checks in the last hour';
  return (
    <svg className={className} width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line x1={PAD} x2={W - PAD} y1={H - PAD - 0.5} y2={H - PAD - 0.5} stroke="var(--border)" strokeWidth="1" />
      {segments.map((points) =>
        points.length === 1 ? (
          <circle key={points[0]![0]} cx={points[0]![0]} cy={points[0]![1]} r="1.5" fill="var(--accent)" />
        ) : (
          <polyline
            key={points[0]![0]}
            points={points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}
            fill="none"
            stroke="var(--accent)"
            strokeWidth="1.5"
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        ),
      )}
      {failures.map((fx) => (
        <rect key={fx} x={fx - 1} y={H - PAD - 3} width="2.5" height="3" fill="var(--down)" />
      ))}
    </svg>
  );
});
