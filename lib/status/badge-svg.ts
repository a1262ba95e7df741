/**
 * Shields-style badges drawn as SVG: a grey label on the left, a coloured message on the right, in the widths
 * shields.io uses (Verdana 11 px, measured per character), so they sit beside other badges in a README.
 * Text is escaped for XML; nothing a caller sends can add markup.
 */

export const BADGE_STYLES = ['flat', 'flat-square'] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

export interface Badge {
  label: string;
  message: string;
  /** A CSS colour, `#rrggbb`. */
  color: string;
}

// Advance widths of Verdana 11 px for the characters badges carry; anything else counts as a wide letter.
const WIDTHS: Record<string, number> = {
  ' ': 3.9, '%': 12.1, '.': 4.4, ',': 4.4, ':': 4.7, '-': 5, '/': 5, '(': 5, ')': 5, '·': 4.4,
  i: 3.1, j: 3.4, l: 3.1, f: 3.9, t: 4.3, r: 4.7, I: 4.2, J: 5, s: 5.7, c: 5.7, z: 5.6, k: 6.5, v: 6.5, x: 6.5,
  y: 6.5, a: 6.7, e: 6.6, o: 6.7, g: 6.9, n: 7, u: 7, h: 7, b: 6.9, d: 6.9, p: 6.9, q: 6.9, m: 10.7, w: 9,
  W: 11, M: 9.9,
};
const DIGIT = 7;
const UPPER = 7.5;
const OTHER = 7;

/** The text's width in px at Verdana 11 px (close to what browsers draw; badges pad 5 px each side). */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') w += DIGIT;
    else w += WIDTHS[ch] ?? (ch >= 'A' && ch <= 'Z' ? UPPER : OTHER);
  }
  return Math.round(w);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The badge as a standalone SVG document, with a <title> for screen readers and tooltips. */
export function renderBadge(badge: Badge, style: BadgeStyle = 'flat'): string {
  const labelW = textWidth(badge.label) + 10;
  const messageW = textWidth(badge.message) + 10;
  const width = labelW + messageW;
  const label = escapeXml(badge.label);
  const message = escapeXml(badge.message);
  const title = `${label}: ${message}`;
  const rounded = style === 'flat';
  const gradient = rounded
    ? `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
      `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`
    : '';
  const clip = rounded ? ' clip-path="url(#r)"' : '';
  const shine = rounded ? `<rect width="${width}" height="20" fill="url(#s)"/>` : '';
  const text = (x: number, value: string, shadow: boolean) =>
    shadow
      ? `<text x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" aria-hidden="true">${value}</text>`
      : `<text x="${x * 10}" y="140" transform="scale(.1)" fill="#fff">${value}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>${gradient}` +
    `<g${clip}><rect width="${labelW}" height="20" fill="#555"/>` +
    `<rect x="${labelW}" width="${messageW}" height="20" fill="${badge.color}"/>${shine}</g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110">` +
    (rounded ? text(labelW / 2, label, true) : '') +
    text(labelW / 2, label, false) +
    (rounded ? text(labelW + messageW / 2, message, true) : '') +
    text(labelW + messageW / 2, message, false) +
    `</g></svg>`
  );
}
