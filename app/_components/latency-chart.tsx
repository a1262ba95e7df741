'use client';

import { useEffect, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSeries } from '@/lib/history-types';
import { formatLocalTime } from './format';
import styles from './latency-chart.module.css';

/** Plot height in CSS px. Fixed, and reserved before the chart draws, so nothing below it moves. */
export const CHART_HEIGHT = 240;

export interface LatencyChartProps {
  series: ChartSeries;
  /** The window to show, epoch ms: the x axis spans it even where there are no checks. */
  from: number;
  to: number;
  /** Stacked phase areas instead of the total-latency line. */
  stacked: boolean;
  /** What the chart says, for assistive technology (the canvas itself says nothing). */
  summary: string;
  formatLatency: (ms: number) => string;
}

const PHASES = [
  { key: 'dns', label: 'DNS', color: '--chart-dns' },
  { key: 'connect', label: 'Connect', color: '--chart-connect' },
  { key: 'tls', label: 'TLS', color: '--chart-tls' },
  { key: 'ttfb', label: 'First byte', color: '--chart-ttfb' },
  { key: 'transfer', label: 'Transfer', color: '--chart-transfer' },
] as const;

type Palette = Record<
  '--chart-total' | '--down' | '--text-muted' | '--border' | (typeof PHASES)[number]['color'],
  string
> & { font: string };

/** Resolves the design tokens to concrete colours (canvas cannot read CSS variables). */
function readPalette(el: HTMLElement): Palette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  el.appendChild(probe);
  const read = (name: string) => {
    probe.style.color = `var(${name})`;
    return getComputedStyle(probe).color;
  };
  const palette = {
    '--chart-total': read('--chart-total'),
    '--down': read('--down'),
    '--text-muted': read('--text-muted'),
    '--border': read('--border'),
    '--chart-dns': read('--chart-dns'),
    '--chart-connect': read('--chart-connect'),
    '--chart-tls': read('--chart-tls'),
    '--chart-ttfb': read('--chart-ttfb'),
    '--chart-transfer': read('--chart-transfer'),
    font: `12px ${getComputedStyle(el).fontFamily}`,
  };
  probe.remove();
  return palette;
}

/** `rgb(r, g, b)` (what getComputedStyle gives) with an alpha. */
function withAlpha(color: string, alpha: number): string {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(color);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : color;
}

/** A string that changes when the colour scheme does: the system's, or the page's `data-theme`/class. */
function useThemeKey(): string {
  return useSyncExternalStore(
    (onChange) => {
      const media = window.matchMedia('(prefers-color-scheme: dark)');
      media.addEventListener('change', onChange);
      const observer = new MutationObserver(onChange);
      observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
      return () => {
        media.removeEventListener('change', onChange);
        observer.disconnect();
      };
    },
    () =>
      `${window.matchMedia('(prefers-color-scheme: dark)').matches}|${document.documentElement.dataset.theme ?? ''}|` +
      document.documentElement.className,
    () => 'server',
  );
}

/**
 * The columns uPlot draws. Line mode [t, max, min, p99, p95, main]: the main line is each check's latency when a
 * point is one check (p95/p99 then empty), the median when points are buckets. Stacked mode [t, running sums of
 * the phases]. The column count stays the same across ranges, so new data never needs a new chart.
 */
function toData(s: ChartSeries, stacked: boolean): uPlot.AlignedData {
  if (!stacked) {
    if (s.bucketMs === 0) {
      const empty = s.t.map(() => null);
      return [s.t, s.max, s.min, empty, empty, s.avg];
    }
    return [s.t, s.max, s.min, s.p99, s.p95, s.p50];
  }
  const sums: (number | null)[][] = [];
  let below: readonly (number | null)[] | undefined;
  for (const phase of PHASES) {
    const prev = below;
    const sum: (number | null)[] = s[phase.key].map((v, i) => (v === null ? null : v + (prev?.[i] ?? 0)));
    sums.push(sum);
    below = sum;
  }
  return [s.t, ...sums];
}

/** Failed checks as red columns over the time they cover, with a solid tick along the top edge. */
function drawFailures(u: uPlot, s: ChartSeries, palette: Palette): void {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const px = window.devicePixelRatio || 1;
  const n = s.t.length;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (let i = 0; i < n; i++) {
    if (s.failed[i] === 0) continue;
    const start = s.t[i]!;
    // A failure lasts until the next check said otherwise (or, in buckets, for the bucket it fell in).
    const end = s.bucketMs > 0 ? start + s.bucketMs : i + 1 < n ? s.t[i + 1]! : start;
    const x0 = u.valToPos(start, 'x', true);
    const w = Math.max(2 * px, u.valToPos(end, 'x', true) - x0);
    ctx.fillStyle = withAlpha(palette['--down'], 0.14);
    ctx.fillRect(x0, top, w, height);
    ctx.fillStyle = palette['--down'];
    ctx.fillRect(x0, top, w, 3 * px);
  }
  ctx.restore();
}

/** Y axis labels: `0`, `50 ms`, `1.5 s`. */
function axisLabel(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

/** `30 s`, `10 min`, `2 h`: the width of a bucket in words. */
function bucketLabel(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}

function describePoint(s: ChartSeries, i: number, stacked: boolean, fmt: (ms: number) => string): string {
  const time = formatLocalTime(s.t[i]!);
  const parts = [s.bucketMs > 0 ? `${time}, ${bucketLabel(s.bucketMs)}` : time];
  if (s.checks[i] === 0) return `${parts[0]} · no checks`;
  const avg = s.avg[i];
  if (avg !== null && avg !== undefined) {
    if (stacked) {
      for (const p of PHASES) parts.push(`${p.label} ${fmt(s[p.key][i] ?? 0)}`);
    } else if (s.bucketMs > 0) {
      parts.push(
        `p50 ${fmt(s.p50[i] ?? avg)}`,
        `p95 ${fmt(s.p95[i] ?? avg)}`,
        `p99 ${fmt(s.p99[i] ?? avg)}`,
        `mean ${fmt(avg)}`,
        `${fmt(s.min[i] ?? avg)}–${fmt(s.max[i] ?? avg)}`,
      );
    } else {
      parts.push(fmt(avg));
    }
  }
  const failed = s.failed[i] ?? 0;
  if (failed > 0) parts.push(s.bucketMs > 0 ? `${failed} of ${s.checks[i]} failed` : 'failed');
  return parts.join(' · ');
}

/**
 * Latency over a time window, drawn by uPlot on a canvas: each check's total as a line, or when points are
 * buckets their median with p95 and p99 lines and the least–most band; or the phases as stacked areas; failed
 * checks shaded red. Colours come from the design
 * tokens at draw time, and the chart is rebuilt when the colour scheme changes. It follows its container's
 * width; its height is fixed.
 *
 * The wrapper exposes `data-render-ms` (time from `new uPlot` to its first drawn frame), `data-points` and
 * `data-draws`, and each build adds a `upbeat:chart-render` performance measure.
 */
export function LatencyChart(props: LatencyChartProps) {
  const { series, from, to, stacked, summary } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const plotElRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLParagraphElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const shownRef = useRef<ChartSeries | null>(null);
  const latest = useRef(props);
  const themeKey = useThemeKey();

  useEffect(() => {
    latest.current = props;
  });

  // Build (or rebuild) the chart: on mount, when the mode or the colour scheme changes.
  useEffect(() => {
    const wrap = wrapRef.current;
    const plotEl = plotElRef.current;
    if (!wrap || !plotEl) return;
    const palette = readPalette(wrap);
    const fmt = (ms: number) => latest.current.formatLatency(ms);
    const axis = {
      stroke: palette['--text-muted'],
      font: palette.font,
      grid: { stroke: withAlpha(palette['--border'], 0.9), width: 1 },
      ticks: { stroke: palette['--border'], width: 1, size: 4 },
    };
    const seriesOpts: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    if (stacked) {
      PHASES.forEach((p, i) => {
        seriesOpts.push({
          label: p.label,
          stroke: palette[p.color],
          fill: withAlpha(palette[p.color], 0.7),
          width: 1.5,
          points: { show: false },
        });
        if (i > 0) bands.push({ series: [i + 1, i] });
      });
    } else {
      const total = palette['--chart-total'];
      // One hue, told apart by dash: readable without colour vision, and the failures keep the only red.
      seriesOpts.push(
        { label: 'Most', stroke: 'transparent', width: 0, points: { show: false } },
        { label: 'Least', stroke: 'transparent', width: 0, points: { show: false } },
        { label: 'p99', stroke: withAlpha(total, 0.55), width: 1.25, dash: [2, 3], points: { show: false } },
        { label: 'p95', stroke: withAlpha(total, 0.75), width: 1.25, dash: [6, 4], points: { show: false } },
        { label: 'Latency', stroke: total, width: 1.75, points: { show: false } },
      );
      bands.push({ series: [1, 2], fill: withAlpha(total, 0.2) });
    }
    let draws = 0;
    const started = performance.now();
    const opts: uPlot.Options = {
      width: Math.max(1, Math.floor(plotEl.clientWidth)),
      height: CHART_HEIGHT,
      ms: 1,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, y: false },
      scales: {
        x: { time: true, range: () => [latest.current.from, latest.current.to] },
        y: {
          range: (_u, _min, max) => [0, uPlot.rangeNum(0, max > 0 ? max : 1, 0.1, true)[1] ?? 1],
        },
      },
      axes: [
        { ...axis, space: 70 },
        { ...axis, size: 60, values: (_u, splits) => splits.map(axisLabel) },
      ],
      series: seriesOpts,
      bands,
      hooks: {
        drawClear: [
          (u) => {
            if (shownRef.current) drawFailures(u, shownRef.current, palette);
          },
        ],
        draw: [
          (u) => {
            draws++;
            if (draws === 1) {
              const ms = performance.now() - started;
              wrap.dataset.renderMs = ms.toFixed(1);
              performance.measure('upbeat:chart-render', { start: started, duration: ms });
            }
            wrap.dataset.points = String(u.data[0].length);
            wrap.dataset.draws = String(draws);
          },
        ],
        setCursor: [
          (u) => {
            const el = readoutRef.current;
            const s = shownRef.current;
            if (!el || !s) return;
            const i = u.cursor.idx;
            el.textContent = i === null || i === undefined ? '\u00a0' : describePoint(s, i, stacked, fmt);
          },
        ],
      },
    };
    const shown = latest.current.series;
    shownRef.current = shown;
    const chart = new uPlot(opts, toData(shown, stacked), plotEl);
    chartRef.current = chart;

    const resize = new ResizeObserver(() => {
      const width = Math.floor(plotEl.clientWidth);
      if (width > 0 && width !== chart.width) chart.setSize({ width, height: CHART_HEIGHT });
    });
    resize.observe(plotEl);
    return () => {
      resize.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [stacked, themeKey]);

  // New data (a new check, another range): redraw in place, keeping the chart.
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || shownRef.current === series) return;
    shownRef.current = series;
    chart.setData(toData(series, stacked));
    // from/to are read by the x range function during setData.
  }, [series, from, to, stacked]);

  const empty = series.checks.every((n) => n === 0);
  return (
    <figure className={styles.figure}>
      <div ref={wrapRef} className={styles.wrap} role="img" aria-label={summary} data-testid="latency-chart">
        <div ref={plotElRef} className={styles.plot} style={{ height: CHART_HEIGHT }} />
        {empty && <p className={styles.empty}>No checks in this range yet</p>}
      </div>
      <figcaption className={styles.caption}>
        <p ref={readoutRef} className={styles.readout} aria-hidden="true" data-testid="chart-readout">
          {'\u00a0'}
        </p>
        <ul className={styles.legend}>
          {stacked ? (
            PHASES.map((p) => (
              <li key={p.key}>
                <span className={styles.swatch} style={{ background: `var(${p.color})` }} />
                {p.label}
              </li>
            ))
          ) : (
            <>
              <li>
                <span className={styles.line} />
                {series.bucketMs > 0 ? 'Median (p50)' : 'Latency'}
              </li>
              {series.bucketMs > 0 && (
                <>
                  <li>
                    <span className={`${styles.line} ${styles.p95}`} />
                    p95
                  </li>
                  <li>
                    <span className={`${styles.line} ${styles.p99}`} />
                    p99
                  </li>
                  <li>
                    <span className={`${styles.swatch} ${styles.band}`} />
                    Least–most
                  </li>
                </>
              )}
            </>
          )}
          <li>
            <span className={`${styles.swatch} ${styles.failed}`} />
            Failed
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
