import vm from 'node:vm';

/**
 * Runs a user's regular expression with a time bound. V8's backtracking engine can take exponential time on a
 * pattern like `(a+)+$`; run inside a `vm` context with `timeout`, the match is interrupted by V8's watchdog
 * instead of holding the checker's thread. The cost is a watchdog thread per call (~0.3 ms), paid only by sites
 * with a regex assertion.
 */

export const REGEX_TIME_LIMIT_MS = 50;

const context = vm.createContext(Object.create(null) as object);
const script = new vm.Script('new RegExp(pattern, flags).test(input)');

export type RegexOutcome = { matched: boolean } | { error: 'timeout' | 'invalid'; message: string };

/**
 * The bound is wall time, so a thread descheduled on a busy machine can see a harmless pattern "time out": a
 * timeout is tried once more before it is believed. A pattern that really backtracks without end times out twice
 * (twice the limit, paid only by that site); a harmless one almost never loses the CPU twice in a row.
 */
export function testBounded(pattern: string, flags: string, input: string, limitMs = REGEX_TIME_LIMIT_MS): RegexOutcome {
  const first = testOnce(pattern, flags, input, limitMs);
  return 'error' in first && first.error === 'timeout' ? testOnce(pattern, flags, input, limitMs) : first;
}

function testOnce(pattern: string, flags: string, input: string, limitMs: number): RegexOutcome {
  const sandbox = context as { pattern?: string; flags?: string; input?: string };
  sandbox.pattern = pattern;
  sandbox.flags = flags;
  sandbox.input = input;
  try {
    return { matched: script.runInContext(context, { timeout: limitMs }) === true };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return { error: 'timeout', message: `took longer than ${limitMs} ms and was stopped` };
    }
    // Errors from inside the context are not instances of this realm's Error.
    return { error: 'invalid', message: String((err as { message?: unknown }).message ?? err) };
  } finally {
    // The body can be 64 KiB: do not keep it alive until the next call.
    sandbox.input = '';
  }
}
