import type { AlertMessage } from './message';

/**
 * One message, in each markup the channels speak. Everything that came from a user or a site (names, URLs,
 * error text) is escaped for the markup it lands in, so a site called `<b>*@everyone*</b>` is shown as written.
 */

export interface RenderOptions {
  /** Include the title (default true); off where the channel carries the title in a field of its own. */
  title?: boolean;
  /** Include the link line (default true); off where the channel has a field for the link. */
  link?: boolean;
}

function partsOf(m: AlertMessage, opts: RenderOptions) {
  return {
    title: opts.title !== false ? m.title : null,
    link: opts.link !== false ? m.link : null,
  };
}

function join(blocks: Array<string | null>): string {
  return blocks.filter((b): b is string => b !== null && b !== '').join('\n\n');
}

/** Plain text: title, summary, `Label: value` lines, the sites listed, then `Open …: url`. */
export function renderText(m: AlertMessage, opts: RenderOptions = {}): string {
  const { title, link } = partsOf(m, opts);
  return join([
    title,
    m.summary,
    m.facts.map((f) => `${f.label}: ${f.value}`).join('\n'),
    m.items.map((i) => `- ${i}`).join('\n'),
    link !== null ? `${link.label}: ${link.url}` : null,
  ]);
}

/** CommonMark (ntfy, Gotify, Discord): the characters that would start markup are backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~[\]<>#|]/g, '\\$&');
}

/** A value that is a bare URL becomes an autolink (`<url>`), whose text is never escaped or mangled. */
export function markdownValue(value: string): string {
  return /^https?:\/\/[^\s<>]+$/.test(value) ? `<${value}>` : escapeMarkdown(value);
}

/** A URL safe inside `(...)` of a Markdown link: the characters that would end or break it are encoded. */
function markdownUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function renderMarkdown(m: AlertMessage, opts: RenderOptions = {}): string {
  const { title, link } = partsOf(m, opts);
  return join([
    title !== null ? `**${escapeMarkdown(title)}**` : null,
    escapeMarkdown(m.summary),
    m.facts.map((f) => `- **${escapeMarkdown(f.label)}:** ${markdownValue(f.value)}`).join('\n'),
    m.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n'),
    link !== null ? `[${escapeMarkdown(link.label)}](${markdownUrl(link.url)})` : null,
  ]);
}

/** Slack's mrkdwn: only `&`, `<` and `>` are escaped (Slack has no backslash escapes); links are `<url|label>`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSlack(m: AlertMessage, opts: RenderOptions = {}): string {
  const { title, link } = partsOf(m, opts);
  return join([
    title !== null ? `*${escapeSlack(title)}*` : null,
    escapeSlack(m.summary),
    m.facts.map((f) => `*${escapeSlack(f.label)}:* ${escapeSlack(f.value)}`).join('\n'),
    m.items.map((i) => `• ${escapeSlack(i)}`).join('\n'),
    // `|` would end the URL part early; it is rare in a URL and safe to encode.
    link !== null ? `<${escapeSlack(link.url).replace(/\|/g, '%7C')}|${escapeSlack(link.label)}>` : null,
  ]);
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Telegram's HTML subset: `<b>` and `<a>` only, lines broken with newlines (it accepts no `<br>` or `<p>`).
 */
export function renderTelegramHtml(m: AlertMessage, opts: RenderOptions = {}): string {
  const { title, link } = partsOf(m, opts);
  return join([
    title !== null ? `<b>${escapeHtml(title)}</b>` : null,
    escapeHtml(m.summary),
    m.facts.map((f) => `<b>${escapeHtml(f.label)}:</b> ${escapeHtml(f.value)}`).join('\n'),
    m.items.map((i) => `• ${escapeHtml(i)}`).join('\n'),
    link !== null ? `<a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>` : null,
  ]);
}

const TONE_COLOUR: Record<AlertMessage['tone'], string> = {
  bad: '#d92d20',
  good: '#079455',
  warn: '#dc6803',
  info: '#1570ef',
};

/** A whole HTML email body with inline styles (mail clients drop style sheets), readable without images. */
export function renderEmailHtml(m: AlertMessage): string {
  const colour = TONE_COLOUR[m.tone];
  const cell = 'padding:4px 12px 4px 0;vertical-align:top';
  const row = (label: string, value: string) =>
    `<tr><th style="${cell};text-align:left;color:#555">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`;
  const facts = m.facts.map((f) => row(f.label, f.value)).join('');
  const items = m.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('');
  const link = m.link;
  return [
    '<!doctype html><html><head><meta charset="utf-8"></head>',
    '<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111">',
    `<h2 style="margin:0 0 8px;color:${colour}">${escapeHtml(m.title)}</h2>`,
    `<p style="margin:0 0 12px;font-size:16px">${escapeHtml(m.summary)}</p>`,
    facts !== '' ? `<table style="border-collapse:collapse;margin:0 0 12px">${facts}</table>` : '',
    items !== '' ? `<ul style="margin:0 0 12px;padding-left:20px">${items}</ul>` : '',
    link !== null ? `<p><a href="${escapeHtml(link.url)}" style="color:${colour}">${escapeHtml(link.label)}</a></p>` : '',
    '<p style="color:#888;font-size:12px">Sent by Upbeat, your uptime monitor.</p>',
    '</body></html>',
  ].join('');
}
