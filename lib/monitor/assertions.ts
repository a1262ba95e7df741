import type { Assertion, CheckError, JsonPathOp } from '../../db/domain';
import { testBounded } from './bounded-regex';
import { parseJsonPath, valueAt } from './json-path';

/**
 * Judges a response against a site's assertions. All must hold; the first that does not is the check's error,
 * kind `assertion`, with a message that names the assertion and shows what was seen. Pure apart from the bounded
 * regex; reads only what the probe kept (the first 64 KiB of the body).
 */

/** What assertions read from a check's result. */
export interface Observed {
  /** The kept part of the body. */
  body: Buffer;
  /** Body bytes received in all, including those not kept. */
  bodyBytes: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  totalMs: number;
}

/** True when any assertion reads the body, so the probe must keep it (otherwise it is only counted). */
export function readsBody(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) => a.type.startsWith('body-') || a.type === 'json-path');
}

const PREVIEW_CHARS = 80;

/** `"<html>Maintenance…"`: the start of a text, on one line, quoted. */
function preview(text: string, chars = PREVIEW_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Plain quotes, not JSON escapes: the text is for people reading an alert.
  return `"${flat.length <= chars ? flat : `${flat.slice(0, chars)}…`}"`;
}

function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Body text decoded once for every body assertion of one check. */
class Reading {
  private text: string | null = null;
  private json: { value: unknown } | { problem: string } | null = null;
  constructor(readonly seen: Observed) {}

  bodyText(): string {
    this.text ??= this.seen.body.toString('utf8');
    return this.text;
  }

  bodyJson(): { value: unknown } | { problem: string } {
    if (this.json !== null) return this.json;
    const text = this.bodyText();
    try {
      this.json = { value: JSON.parse(text) as unknown };
    } catch {
      const cut = this.seen.bodyBytes > this.seen.body.length;
      this.json = {
        problem: cut
          ? `body is not complete JSON (the first ${this.seen.body.length} of ${this.seen.bodyBytes} bytes are kept)`
          : `body is not JSON (first ${PREVIEW_CHARS} chars: ${preview(text)})`,
      };
    }
    return this.json;
  }
}

/** Null when every assertion holds, else the first failure as a check error. */
export function evaluateAssertions(assertions: readonly Assertion[], seen: Observed): CheckError | null {
  if (assertions.length === 0) return null;
  const reading = new Reading(seen);
  for (const a of assertions) {
    const problem = judge(a, reading);
    if (problem !== null) return { kind: 'assertion', message: problem };
  }
  return null;
}

/** Every assertion's verdict, for a preview that shows each row (null: holds). */
export function explainAssertions(assertions: readonly Assertion[], seen: Observed): (string | null)[] {
  const reading = new Reading(seen);
  return assertions.map((a) => judge(a, reading));
}

function judge(a: Assertion, r: Reading): string | null {
  switch (a.type) {
    case 'body-contains':
    case 'body-not-contains': {
      const text = r.bodyText();
      const at = a.ignoreCase ? text.toLowerCase().indexOf(a.value.toLowerCase()) : text.indexOf(a.value);
      const how = a.ignoreCase ? ' (ignoring case)' : '';
      if (a.type === 'body-contains') {
        return at >= 0 ? null : `body does not contain ${quote(a.value)}${how} (first ${PREVIEW_CHARS} chars: ${preview(text)})`;
      }
      if (at < 0) return null;
      const from = Math.max(0, at - 20);
      return `body contains ${quote(a.value)}${how} at character ${at} (${preview(text.slice(from), PREVIEW_CHARS)})`;
    }
    case 'body-matches': {
      const text = r.bodyText();
      const outcome = testBounded(a.pattern, a.flags ?? '', text);
      const shown = `/${a.pattern}/${a.flags ?? ''}`;
      if ('error' in outcome) return `body regex ${shown} ${outcome.message}`;
      return outcome.matched ? null : `body does not match ${shown} (first ${PREVIEW_CHARS} chars: ${preview(text)})`;
    }
    case 'json-path': {
      const json = r.bodyJson();
      if ('problem' in json) return json.problem;
      const steps = parseJsonPath(a.path);
      if (typeof steps === 'string') return `JSON path ${a.path} ${steps}`;
      const value = valueAt(json.value, steps);
      const expected = `${a.op} ${quote(a.value)}`;
      if (value === undefined) return `${a.path} is missing (expected ${expected})`;
      const verdict = compare(value, a.op, a.value);
      if (verdict === true) return null;
      const shown = typeof value === 'object' && value !== null ? preview(JSON.stringify(value), 60) : quote(value);
      return `${a.path} is ${shown} (expected ${expected}${verdict === 'not-number' ? ', which needs numbers' : ''})`;
    }
    case 'header': {
      const name = a.name.toLowerCase();
      const value = r.seen.headers[name];
      const expected = `${a.op} ${a.op === 'matches' ? `/${a.value}/` : quote(a.value)}`;
      if (value === undefined) return `header ${name} is missing (expected ${expected})`;
      let holds: boolean;
      if (a.op === 'equals') holds = value === a.value;
      else if (a.op === 'contains') holds = value.includes(a.value);
      else {
        const outcome = testBounded(a.value, '', value);
        if ('error' in outcome) return `header ${name} regex /${a.value}/ ${outcome.message}`;
        holds = outcome.matched;
      }
      return holds ? null : `header ${name} is ${preview(value, 120)} (expected ${expected})`;
    }
    case 'response-time': {
      const ms = r.seen.totalMs;
      return ms < a.belowMs ? null : `response took ${Math.round(ms)} ms (expected below ${a.belowMs} ms)`;
    }
  }
}

/** True when it holds, false when not, `not-number` when an order comparison meets a non-number. */
function compare(actual: unknown, op: JsonPathOp, expected: string | number | boolean | null): boolean | 'not-number' {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return 'not-number';
      if (op === '<') return actual < expected;
      if (op === '<=') return actual <= expected;
      if (op === '>') return actual > expected;
      return actual >= expected;
    }
  }
}
