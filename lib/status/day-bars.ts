import { escapeXml as esc } from './badge-svg';
import { formatPercent } from './badges';
import type { DayBar } from './page-data';

/**
 * The 90-day bar of one site as one small inline SVG. A page of 100 sites used to carry 9,000 `<rect>`s with a
 * tooltip each (about 1 MB); most days of most sites look the same, so days in a row that would show the same
 * colour and the same tooltip words are drawn as one run: a thick line whose dash pattern (4 on, 1 off, in the
 * 5-unit day grid) still shows one tick per day. A healthy site is one `<path>`; the worst case is one per day.
 *
 * Each run keeps its tooltip (`<title>`: the dates, uptime and incidents). The picture as a whole is an image
 * with a summary for screen readers, and the days below 100 % are a text list beside it (a `<details>` that opens
 * from the keyboard), so nothing is told by colour or hover alone.
 */

const DAY_UNITS = 5;
const TICK = DAY_UNITS - 1;

export type BarTone = 'g' | 'f' | 'b' | 'n';

/** good (≥ 99.9 % and no incident), fair (≥ 95 %), bad, or no checks that day. */
export function toneOf(d: DayBar): BarTone {
  if (d.percent === null) return 'n';
  if (d.percent >= 99.9 && d.incidents === 0) return 'g';
  if (d.percent >= 95) return 'f';
  return 'b';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function dayWords(d: DayBar): string {
  const up = d.percent === null ? 'no checks' : `${formatPercent(d.percent)} up`;
  return d.incidents ? `${up}, ${plural(d.incidents, 'incident')}` : up;
}

export interface DayRun {
  /** Index of the run's first day in the bar. */
  start: number;
  days: number;
  tone: BarTone;
  /** The tooltip: a date or a date range, then the uptime and incidents. */
  tip: string;
}

/**
 * Consecutive days with the same tone and the same words become one run. Days with incidents never merge: "1
 * incident" over a range of days would not say on which.
 */
export function dayRuns(days: readonly DayBar[]): DayRun[] {
  const runs: (DayRun & { words: string; last: string; first: string })[] = [];
  days.forEach((d, i) => {
    const tone = toneOf(d);
    const words = dayWords(d);
    const prev = runs.at(-1);
    if (prev && prev.tone === tone && prev.words === words && d.incidents === 0) {
      prev.days += 1;
      prev.last = d.date;
    } else {
      runs.push({ start: i, days: 1, tone, tip: '', words, first: d.date, last: d.date });
    }
  });
  return runs.map(({ start, days: n, tone, words, first, last }) => ({
    start,
    days: n,
    tone,
    tip: n === 1 ? `${first}: ${words}` : `${first} – ${last} (${n} days): ${words}`,
  }));
}

/** The summary read for the picture, and the heading of the list of days that were not clean. */
export function barsLabel(days: readonly DayBar[]): string {
  const noted = days.filter((d) => d.percent !== null && (d.percent < 100 || d.incidents > 0)).length;
  return `Last ${days.length} days: ${noted === 0 ? 'no day below 100 %' : `${plural(noted, 'day')} below 100 % or with incidents`}`;
}

/** The bar, its scale and the text list of the days below 100 % or with incidents. */
export function renderDayBars(days: readonly DayBar[]): string {
  const label = barsLabel(days);
  const width = days.length * DAY_UNITS - 1;
  const paths = dayRuns(days)
    .map((r) => `<path class="${r.tone}" d="M${r.start * DAY_UNITS} 14h${r.days * DAY_UNITS - 1}"><title>${esc(r.tip)}</title></path>`)
    .join('');
  const noted = days.filter((d) => d.percent !== null && (d.percent < 100 || d.incidents > 0));
  const list = noted.length
    ? `<details class="days"><summary>${esc(label)}</summary><ul>${noted.map((d) => `<li>${d.date}: ${esc(dayWords(d))}</li>`).join('')}</ul></details>`
    : '';
  return (
    `<svg class="bars" viewBox="0 0 ${width} 28" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${paths}</svg>` +
    `<div class="bar-scale" aria-hidden="true"><span>${days.length} days ago</span><span>today</span></div>${list}`
  );
}

/** The bar's styles, for the page's one stylesheet; `TICK` keeps the dash pattern on the day grid. */
export const DAY_BARS_STYLE =
  `svg.bars{display:block;width:100%;height:28px;margin-top:8px}` +
  `svg.bars path{stroke-width:28;stroke-dasharray:${TICK} 1;fill:none}` +
  `svg.bars .g{stroke:var(--good)}svg.bars .f{stroke:var(--fair)}svg.bars .b{stroke:var(--bad)}svg.bars .n{stroke:var(--none)}`;
