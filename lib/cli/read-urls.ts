import { normaliseTarget } from '../site-targets';

/**
 * Parses the URL list the one-shot checker reads: one URL a line. Pure: the caller reads the file or stdin.
 *
 * - surrounding whitespace is trimmed, a leading byte-order mark dropped, `\n`, `\r\n` and `\r` all end a line;
 * - blank lines and lines starting with `#` are skipped, and so is a trailing comment after whitespace
 *   (`https://example.com/  # production`) — a URL cannot hold a bare space, so ` #` never cuts one short;
 * - every other line must be a URL the site form would accept (the same rule), else it is a bad line:
 *   http(s)://… for an HTTP check, `tcp://host:port` or `tls://host:port` for a port check;
 * - a URL listed again (after normalisation, so `HTTPS://Example.com` repeats `https://example.com/`) is kept
 *   once, at its first line, and the later line is reported as a duplicate.
 */

export interface ListedUrl {
  /** 1-based line of the first occurrence. */
  line: number;
  /** The normalised URL (`new URL(text).href`): what is checked and what the results show. */
  url: string;
}

export interface BadLine {
  line: number;
  /** The line as written, trimmed. */
  text: string;
  /** Completes the sentence `"<text>" …`, e.g. `must start with http:// or https://`. */
  problem: string;
}

export interface DuplicateLine {
  line: number;
  firstLine: number;
  url: string;
}

export interface UrlList {
  urls: ListedUrl[];
  bad: BadLine[];
  duplicates: DuplicateLine[];
}

const TRAILING_COMMENT = /\s+#.*$/;

export function parseUrlList(text: string): UrlList {
  const urls: ListedUrl[] = [];
  const bad: BadLine[] = [];
  const duplicates: DuplicateLine[] = [];
  const firstLineOf = new Map<string, number>();

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim().replace(TRAILING_COMMENT, '');
    if (content === '' || content.startsWith('#')) return;

    if (/\s/.test(content)) {
      bad.push({ line, text: content, problem: 'holds a space: put one URL a line and write a space in a URL as %20' });
      return;
    }
    const parsed = normaliseTarget(/^(tcp|tls):/i.test(content) ? 'tcp' : 'http', content);
    if ('problem' in parsed) {
      bad.push({ line, text: content, problem: parsed.problem });
      return;
    }
    const url = parsed.url;
    const firstLine = firstLineOf.get(url);
    if (firstLine !== undefined) {
      duplicates.push({ line, firstLine, url });
      return;
    }
    firstLineOf.set(url, line);
    urls.push({ line, url });
  });
  return { urls, bad, duplicates };
}

const MAX_QUOTED = 80;

/** `line 7: "ftp://x" must start with http:// or https://` — the text JSON-quoted, so control characters show. */
export function describeBadLine(bad: BadLine): string {
  const text = bad.text.length > MAX_QUOTED ? `${bad.text.slice(0, MAX_QUOTED - 1)}…` : bad.text;
  return `line ${bad.line}: ${JSON.stringify(text)} ${bad.problem}`;
}
