export interface Row {
  measure: string;
  result: string;
  target: string;
  /** Against the ideal figure or the baseline. */
  ratio: string;
  met: 'yes' | 'no' | '—';
}

type Cells = Record<keyof Row, string>;

const HEADERS: Cells = { measure: 'Measure', result: 'Result', target: 'Target', ratio: 'vs ideal / baseline', met: 'Met' };
const KEYS = ['measure', 'result', 'target', 'ratio', 'met'] as const;

/** The table as aligned plain text, for the terminal. */
export function formatText(rows: readonly Row[]): string {
  const widths = KEYS.map((k) => Math.max(...[HEADERS, ...rows].map((r) => r[k].length)));
  const line = (r: Cells) =>
    KEYS.map((k, i) => r[k].padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADERS), rule, ...rows.map(line)].join('\n') + '\n';
}

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The same table as GitHub Markdown. */
export function formatMarkdown(rows: readonly Row[]): string {
  const line = (r: Cells) => `| ${KEYS.map((k) => cell(r[k])).join(' | ')} |`;
  return [line(HEADERS), `| ${KEYS.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n';
}

/** 12345.6 → "12,346"; digits after the point on request. */
export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(n: number, digits = 1): string {
  return Number.isFinite(n) ? `${num(n, digits)} ms` : 'n/a';
}
