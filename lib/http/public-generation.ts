/**
 * A purge signal for everything that holds public answers for a while in this process (the web server's shared
 * cache, lib/server/micro-cache.ts): a change the owner makes to what anonymous readers see (a status page edited,
 * a post, badges turned off) bumps the generation, and an answer kept under an older one is not served again. On
 * globalThis: Next.js bundles the routes and the server separately, one module copy each.
 */

const KEY = Symbol.for('upbeat.publicGeneration');
type Holder = { [KEY]?: number };

/** The current generation: answers kept under another are stale. */
export function publicGeneration(): number {
  return (globalThis as Holder)[KEY] ?? 0;
}

/** Marks every public answer kept so far as stale. */
export function purgePublicAnswers(): void {
  const holder = globalThis as Holder;
  holder[KEY] = (holder[KEY] ?? 0) + 1;
}
