import { HEADER_OPS, JSON_PATH_OPS, type Assertion, type AssertionType, type HeaderOp, type JsonPathOp } from '@/db/domain';

/**
 * The assertions builder's rows: one editable row per assertion, every input kept as typed (text), turned into
 * the API's assertion shape only when the form is sent, so the schema names what is wrong instead of the form
 * dropping it.
 */

export interface AssertionRow {
  /** Stable key for React, and to match a preview's verdict to its row. */
  key: number;
  type: AssertionType;
  /** Text searched for (body), value compared (JSON path, header). */
  value: string;
  ignoreCase: boolean;
  pattern: string;
  flags: string;
  path: string;
  jsonOp: JsonPathOp;
  name: string;
  headerOp: HeaderOp;
  belowMs: string;
}

export const ASSERTION_LABELS: Record<AssertionType, string> = {
  'body-contains': 'Body contains',
  'body-not-contains': 'Body does not contain',
  'body-matches': 'Body matches regex',
  'json-path': 'JSON path',
  header: 'Header',
  'response-time': 'Response time below',
};

/** What a kind can assert: tcp and dns sites have no body or headers, only a time. */
export function typesFor(kind: string): AssertionType[] {
  return kind === 'http' ? (Object.keys(ASSERTION_LABELS) as AssertionType[]) : ['response-time'];
}

let nextKey = 1;

export function blankRow(type: AssertionType): AssertionRow {
  return {
    key: nextKey++,
    type,
    value: '',
    ignoreCase: false,
    pattern: '',
    flags: '',
    path: '$.',
    jsonOp: JSON_PATH_OPS[0],
    name: '',
    headerOp: HEADER_OPS[0],
    belowMs: '1000',
  };
}

export function rowsFromAssertions(list: readonly Assertion[] | undefined): AssertionRow[] {
  return (list ?? []).map((a) => {
    const row = blankRow(a.type);
    switch (a.type) {
      case 'body-contains':
      case 'body-not-contains':
        return { ...row, value: a.value, ignoreCase: a.ignoreCase ?? false };
      case 'body-matches':
        return { ...row, pattern: a.pattern, flags: a.flags ?? '' };
      case 'json-path':
        // A string that would read back as JSON (`"100"`, `"true"`) is shown quoted, so it stays a string.
        return { ...row, path: a.path, jsonOp: a.op, value: typeof a.value === 'string' && jsonValueOf(a.value) === a.value ? a.value : JSON.stringify(a.value) };
      case 'header':
        return { ...row, name: a.name, headerOp: a.op, value: a.value };
      case 'response-time':
        return { ...row, belowMs: String(a.belowMs) };
    }
  });
}

/**
 * A JSON path's expected value as typed: `100`, `true`, `null` and `"quoted"` are JSON; anything else is the text
 * itself, so `ok` compares with the string "ok" without quotes.
 */
export function jsonValueOf(text: string): string | number | boolean | null {
  const t = text.trim();
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|"(?:[^"\\]|\\.)*")$/.test(t)) {
    return JSON.parse(t) as string | number | boolean | null;
  }
  return text;
}

function numberOrText(text: string): number | string {
  const t = text.trim();
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

/** The API's shape of a row (typed loosely where the schema should judge a value, e.g. a non-number time). */
export function assertionOf(row: AssertionRow): Record<string, unknown> {
  switch (row.type) {
    case 'body-contains':
    case 'body-not-contains':
      return { type: row.type, value: row.value, ...(row.ignoreCase ? { ignoreCase: true } : {}) };
    case 'body-matches':
      return { type: row.type, pattern: row.pattern, ...(row.flags !== '' ? { flags: row.flags } : {}) };
    case 'json-path':
      return { type: row.type, path: row.path.trim(), op: row.jsonOp, value: jsonValueOf(row.value) };
    case 'header':
      return { type: row.type, name: row.name.trim(), op: row.headerOp, value: row.value };
    case 'response-time':
      return { type: row.type, belowMs: numberOrText(row.belowMs) };
  }
}
