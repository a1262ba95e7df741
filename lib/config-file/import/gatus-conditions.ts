import type { Assertion } from '../../../db/domain';
import { parseJsonPath } from '../../monitor/json-path';

/**
 * Gatus conditions → Upbeat's expected status, assertions and DNS answers. Each condition is carried over, or
 * implied by the kind of check (`[CONNECTED] == true` is what a tcp check is), or returned as a reason.
 */

export type SiteKindName = 'http' | 'tcp' | 'dns';

interface Parsed {
  left: string;
  op: string;
  right: string;
}

const CONDITION = /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$/;

/** What the conditions of one endpoint come to. `expectedStatus` is undefined when no condition spoke of it. */
export interface ConditionResult {
  expectedStatus?: string;
  assertions: Assertion[];
  dnsExpected: string[];
  /** condition text → why it was not carried over. */
  skipped: { condition: string; reason: string }[];
}

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');
const listOf = (s: string) => /^any\((.*)\)$/.exec(s)?.[1]?.split(',').map((x) => unquote(x.trim()));
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Gatus's `pat()` glob (`*` any run, else literal) as a regular expression over the whole text. */
function globToRegex(glob: string): string {
  return `^${glob.split('*').map(escapeRegex).join('[\\s\\S]*')}$`;
}

function jsonValue(s: string): string | number | boolean {
  const v = unquote(s);
  if (v !== s) return v;
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

function statusRange(op: string, n: number): [number, number] | null {
  switch (op) {
    case '==':
      return [n, n];
    case '<':
      return [100, n - 1];
    case '<=':
      return [100, n];
    case '>':
      return [n + 1, 599];
    case '>=':
      return [n, 599];
    default:
      return null;
  }
}

export function mapConditions(conditions: readonly string[], kind: SiteKindName): ConditionResult {
  const out: ConditionResult = { assertions: [], dnsExpected: [], skipped: [] };
  let status: [number, number] | null = null;
  let statusList: number[] | null = null;
  const skip = (condition: string, reason: string) => out.skipped.push({ condition, reason });

  for (const condition of conditions) {
    const m = CONDITION.exec(condition);
    if (!m) {
      skip(condition, 'not a condition Upbeat can read');
      continue;
    }
    const c: Parsed = { left: m[1]!, op: m[2]!, right: m[3]! };
    const left = c.left.toUpperCase();
    if (left === '[STATUS]') {
      const list = listOf(c.right)?.map(Number);
      const n = Number(c.right);
      if (c.op === '==' && list && list.every((x) => Number.isInteger(x))) statusList = list;
      else if (Number.isInteger(n) && statusRange(c.op, n) !== null) {
        const r = statusRange(c.op, n)!;
        status = status === null ? r : [Math.max(status[0], r[0]), Math.min(status[1], r[1])];
      } else skip(condition, 'Upbeat expects a status code, a list of them or a range');
    } else if (left === '[RESPONSE_TIME]') {
      const n = Number(c.right);
      if ((c.op === '<' || c.op === '<=') && Number.isInteger(n) && n > 0) {
        out.assertions.push({ type: 'response-time', belowMs: c.op === '<' ? n : n + 1 });
      } else skip(condition, 'Upbeat asserts a response time below a number of milliseconds only');
    } else if (left === '[CONNECTED]') {
      if (!(c.op === '==' && c.right === 'true')) skip(condition, 'Upbeat cannot expect a connection to fail');
      // == true is what every check already requires.
    } else if (left === '[DNS_RCODE]') {
      if (!(kind === 'dns' && c.op === '==' && c.right.toUpperCase() === 'NOERROR')) {
        skip(condition, 'Upbeat counts a DNS check up when the answer has records (NOERROR); other codes cannot be expected');
      }
    } else if (left === '[CERTIFICATE_EXPIRATION]') {
      skip(
        condition,
        'certificate expiry is watched for every https site, with warnings at UPBEAT_CERT_WARN_DAYS (a setting of the whole Upbeat, not of a site)',
      );
    } else if (left === '[BODY]') {
      bodyCondition(condition, c, kind, out, skip);
    } else if (left.startsWith('[BODY].') || left.startsWith('[BODY][')) {
      const path = `$${c.left.slice('[BODY]'.length)}`;
      const pattern = /^pat\(/.test(c.right) || /^any\(/.test(c.right);
      if (kind !== 'http') skip(condition, `a ${kind} check has no body`);
      else if (typeof parseJsonPath(path) === 'string') skip(condition, `${path} is not a JSON path Upbeat can follow`);
      else if (pattern) skip(condition, 'Upbeat compares a JSON value with one value, not a pattern or a list');
      else out.assertions.push({ type: 'json-path', path, op: c.op as '==', value: jsonValue(c.right) });
    } else {
      skip(condition, `Upbeat has no equivalent of ${c.left}`);
    }
  }

  if (statusList !== null && status !== null) {
    const [lo, hi] = status;
    statusList = statusList.filter((x) => x >= lo && x <= hi);
  }
  if (statusList !== null) out.expectedStatus = statusList.join(',');
  else if (status !== null) out.expectedStatus = status[0] === status[1] ? String(status[0]) : `${status[0]}-${status[1]}`;
  else if (kind === 'http') out.expectedStatus = '100-599'; // Gatus passes any status unless a condition says otherwise.
  return out;
}

function bodyCondition(
  condition: string,
  c: Parsed,
  kind: SiteKindName,
  out: ConditionResult,
  skip: (condition: string, reason: string) => void,
): void {
  const pat = /^pat\((.*)\)$/.exec(c.right)?.[1];
  const any = listOf(c.right);
  if (kind === 'dns') {
    if (c.op === '==' && pat === undefined && any === undefined) out.dnsExpected.push(unquote(c.right));
    else skip(condition, 'Upbeat expects DNS answers to hold given values, not patterns');
    return;
  }
  if (kind !== 'http') {
    skip(condition, `a ${kind} check has no body`);
    return;
  }
  if (c.op !== '==' && c.op !== '!=') {
    skip(condition, 'Upbeat compares a body by content, not by order');
    return;
  }
  const inner = pat === undefined ? null : /^\*([^*]+)\*$/.exec(pat)?.[1];
  if (inner !== null && inner !== undefined) {
    out.assertions.push({ type: c.op === '==' ? 'body-contains' : 'body-not-contains', value: inner });
  } else if (c.op === '==') {
    const pattern =
      pat !== undefined ? globToRegex(pat) : any !== undefined ? `^(${any.map(escapeRegex).join('|')})$` : `^${escapeRegex(unquote(c.right))}$`;
    out.assertions.push({ type: 'body-matches', pattern });
  } else {
    skip(condition, 'Upbeat can refuse a body holding a text, not one matching a pattern');
  }
}
