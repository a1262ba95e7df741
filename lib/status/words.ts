/** How a state reads to a visitor: never a colour alone (see the status page and badges). */
const STATE_WORDS: Record<string, string> = {
  up: 'up',
  degraded: 'degraded',
  down: 'down',
  paused: 'paused',
  pending: 'pending',
};

/** A site's state in words; an unknown state reads as itself, so a new state never shows as blank. */
export function stateWords(state: string): string {
  return STATE_WORDS[state] ?? state;
}
