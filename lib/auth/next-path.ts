// Any fixed origin will do: only whether `next` stays on it matters.
const HOME = 'http://upbeat.invalid';

/**
 * A `next` redirect target only when it is a path on this site, never another origin (open redirect). The value
 * is parsed the way a browser will parse it — which drops tabs and newlines and reads `\` as `/`, so
 * `/\t/evil.test` is `//evil.test` — and what is returned is the parsed path, re-serialised, so the browser
 * cannot read it differently.
 */
export function safeNextPath(raw: string | string[] | undefined): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || !v.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(v, HOME);
  } catch {
    return '/';
  }
  // A path that normalises to `//…` (`/.//evil.test`) would leave as a protocol-relative URL.
  if (url.origin !== HOME || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
