import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertCause, AlertEvent } from '../../../lib/alerts/event';
import { composeMessage, MAX_LISTED } from '../../../lib/alerts/message';
import {
  renderEmailHtml,
  renderMarkdown,
  renderSlack,
  renderTelegramHtml,
  renderText,
} from '../../../lib/alerts/render';
import { describeCause, formatDuration, formatLatency, formatSince } from '../../../lib/alerts/words';
import { AT, down, sampleEvents, SHOP } from './sample-events';

const durations: Array<[number, string]> = [
  [0, 'under 1 s'],
  [999, 'under 1 s'],
  [1000, '1 s'],
  [45_900, '45 s'],
  [60_000, '1 min'],
  [252_000, '4 min 12 s'],
  [3_600_000, '1 h'],
  [7_500_000, '2 h 5 min'],
  [86_400_000 * 3 + 3_600_000 * 4 + 59_000, '3 d 4 h'],
  [Number.NaN, 'under 1 s'],
];
for (const [ms, words] of durations) {
  test(`a duration of ${ms} ms reads "${words}"`, () => assert.equal(formatDuration(ms), words));
}

const latencies: Array<[number, string]> = [
  [12.4, '12 ms'],
  [999, '999 ms'],
  [1000, '1 s'],
  [1250, '1.25 s'],
  [10_000, '10 s'],
  [100_500, '100.5 s'],
];
for (const [ms, words] of latencies) {
  test(`a latency of ${ms} ms reads "${words}"`, () => assert.equal(formatLatency(ms), words));
}

test('since reads as ISO time and how long before the event', () => {
  assert.equal(formatSince(AT - 252_000, AT), '2025-03-01T11:56:08Z (4 min 12 s ago)');
  assert.equal(formatSince(AT, AT), '2025-03-01T12:00:20Z (just now)');
});

const causes: Array<[AlertCause, string]> = [
  [{ kind: 'dns', message: 'cannot resolve shop.example.com', statusCode: null }, 'DNS: cannot resolve shop.example.com'],
  [{ kind: 'status', message: 'HTTP 503 (expected 200-399)', statusCode: 503 }, 'HTTP 503 Service Unavailable (expected 200-399)'],
  [{ kind: 'status', message: 'HTTP 418', statusCode: 418 }, "HTTP 418 I'm a Teapot"],
  [{ kind: 'status', message: 'HTTP 599 (expected 200)', statusCode: 599 }, 'HTTP 599 (expected 200)'],
  [{ kind: 'timeout', message: 'timed out after 10000 ms while connecting', statusCode: null }, 'Timed out after 10 s while connecting'],
  [{ kind: 'timeout', message: 'timed out after 500 ms', statusCode: null }, 'Timed out after 500 ms'],
  [{ kind: 'refused', message: 'connection refused by 10.0.0.5:443', statusCode: null }, 'Connection refused by 10.0.0.5:443'],
  [{ kind: 'reset', message: 'connection reset by 10.0.0.5:443 while reading the body', statusCode: null }, 'Connection reset by 10.0.0.5:443 while reading the body'],
  [{ kind: 'tls', message: 'TLS certificate has expired (CERT_HAS_EXPIRED)', statusCode: null }, 'TLS certificate has expired (CERT_HAS_EXPIRED)'],
  [{ kind: 'tls', message: 'handshake failed', statusCode: null }, 'TLS: handshake failed'],
  [{ kind: 'redirects', message: 'more than 5 redirects', statusCode: null }, 'More than 5 redirects'],
  [{ kind: 'protocol', message: 'malformed HTTP response from 10.0.0.5:80', statusCode: null }, 'Malformed HTTP response from 10.0.0.5:80'],
  [{ kind: 'blocked', message: '169.254.169.254 is a link-local address', statusCode: null }, 'Blocked: 169.254.169.254 is a link-local address'],
  [{ kind: 'unknown', message: '', statusCode: null }, 'Unknown'],
];
for (const [cause, words] of causes) {
  test(`cause ${cause.kind} "${cause.message}" reads "${words}"`, () => assert.equal(describeCause(cause), words));
}

/** The words each kind of event must carry: title, summary, and lines that must be in the plain text. */
const expected: Record<AlertEvent['kind'], { title: string; summary: string; lines: string[] }> = {
  down: {
    title: '🔴 Shop API is down',
    summary: 'DNS: cannot resolve shop.example.com (ENOTFOUND)',
    lines: [
      'URL: https://shop.example.com/health',
      'Down since: 2025-03-01T12:00:00Z (20 s ago)',
      'Last status: no response',
      'Latency: 12 ms',
      'Open Shop API in Upbeat: https://upbeat.example.com/sites/7',
    ],
  },
  up: {
    title: '🟢 Shop API is back up',
    summary: 'Back up after 4 min 12 s',
    lines: [
      'Down for: 4 min 12 s (since 2025-03-01T11:56:08Z)',
      'Cause was: HTTP 503 Service Unavailable (expected 200-399)',
      'Last status: 200 OK',
      'Latency: 87 ms',
    ],
  },
  reminder: {
    title: '🔴 Shop API is still down',
    summary: 'Down for 1 h 5 min: HTTP 503 Service Unavailable (expected 200-399)',
    lines: ['Down since: 2025-03-01T10:55:20Z (1 h 5 min ago)', 'Last status: 503 Service Unavailable'],
  },
  degraded: {
    title: '🟠 Shop API is slow',
    summary: 'p95 latency 2.35 s is above its 1 s threshold',
    lines: ['p95 latency: 2.35 s over the last 5 checks', 'Threshold: 1 s', 'Slow since: 2025-03-01T11:57:50Z (2 min 30 s ago)'],
  },
  undegraded: {
    title: '🟢 Shop API is fast again',
    summary: 'Back under its 1 s threshold after 10 min',
    lines: ['p95 latency: 420 ms over the last 5 checks', 'Slow for: 10 min (since 2025-03-01T11:50:20Z)'],
  },
  'cert-expiry': {
    title: '🔒 The certificate of Shop API expires in 7 days',
    summary: 'Renew it before 2025-03-08T12:00:20Z',
    lines: ['Expires: 2025-03-08T12:00:20Z', "Issuer: Let's Encrypt"],
  },
  storm: {
    title: '🔴 37 sites are down',
    summary: '37 sites went down within a minute; first failures:',
    lines: ['- site-0 (https://s0.example.com/): Timed out after 10 s while connecting', '- … and 27 more', 'Open Upbeat: https://upbeat.example.com/'],
  },
  network: {
    title: "⚠️ The monitor's own network is probably down",
    summary:
      "32 of 35 sites failed at once with network errors (dns 20, timeout 12): the sites themselves are probably fine. Check the monitor's own connection",
    lines: ['Failing: 32 of 35 sites', '- … and 31 more'],
  },
  test: {
    title: '🔔 Test notification from Upbeat',
    summary: 'Channel "Ops room" delivers. Sent 2025-03-01T12:00:20Z',
    lines: ['Open Upbeat: https://upbeat.example.com/'],
  },
};

for (const [kind, event] of Object.entries(sampleEvents())) {
  test(`a ${kind} event reads as its title, summary and facts`, () => {
    const want = expected[kind as AlertEvent['kind']];
    const message = composeMessage(event);
    assert.equal(message.title, want.title);
    assert.equal(message.summary, want.summary);
    const text = renderText(message).split('\n');
    assert.equal(text[0], want.title);
    for (const line of want.lines) assert.ok(text.includes(line), `missing line "${line}" in:\n${text.join('\n')}`);
  });
}

test('a group message lists at most ten sites and counts the rest', () => {
  const { storm } = sampleEvents();
  const message = composeMessage(storm);
  assert.equal(message.items.length, MAX_LISTED + 1);
  assert.equal(message.items.at(-1), '… and 27 more');
});

test('certificate warnings say tomorrow, and say so once expired', () => {
  const cert = sampleEvents()['cert-expiry'];
  if (cert.kind !== 'cert-expiry') throw new Error('sample');
  const tomorrow = composeMessage({ ...cert, certificate: { ...cert.certificate, daysLeft: 1 } });
  assert.equal(tomorrow.title, '🔒 The certificate of Shop API expires tomorrow');
  assert.equal(tomorrow.tone, 'bad');
  const gone = composeMessage({ ...cert, certificate: { ...cert.certificate, daysLeft: 0 } });
  assert.equal(gone.title, '🔒 The certificate of Shop API has expired');
  assert.equal(composeMessage({ ...cert, certificate: { ...cert.certificate, daysLeft: 30 } }).tone, 'warn');
});

test('without a public URL the link goes to the site itself', () => {
  const message = composeMessage({ ...down, site: { ...SHOP, link: null } });
  assert.deepEqual(message.link, { url: SHOP.url, label: `Open ${SHOP.url}` });
});

test('a recovery group and a network recovery read as good news', () => {
  const { storm, network } = sampleEvents();
  if (storm.kind !== 'storm' || network.kind !== 'network') throw new Error('sample');
  const up = composeMessage({ ...storm, group: { ...storm.group, state: 'up', total: 1, sites: storm.group.sites.slice(0, 1).map((s) => ({ ...s, cause: null })) } });
  assert.equal(up.title, '🟢 1 site is back up');
  assert.equal(up.items[0], 'site-0 (https://s0.example.com/): up since 2025-03-01T11:59:50Z');
  const back = composeMessage({ ...network, group: { ...network.group, state: 'up' } });
  assert.equal(back.title, "🟢 The monitor's network is back");
  assert.equal(back.tone, 'good');
});

/** A site whose name is markup in every language the channels speak. */
const hostile = composeMessage({
  ...down,
  site: { ...SHOP, name: '<b>*Shop_API*</b> & [x](http://evil) @everyone', link: 'https://upbeat.example.com/sites/7?a=1&b=(2)' },
});

test('Markdown escapes what a site name could inject and keeps the link intact', () => {
  const md = renderMarkdown(hostile);
  assert.ok(md.includes('\\<b\\>\\*Shop\\_API\\*\\</b\\> & \\[x\\](http://evil) @everyone'), md);
  assert.ok(md.includes('](https://upbeat.example.com/sites/7?a=1&b=%282%29)'), md);
  assert.ok(md.includes('- **URL:** <https://shop.example.com/health>'), md);
});

test('Slack mrkdwn escapes &, < and > and links as <url|label>', () => {
  const slack = renderSlack(hostile);
  assert.ok(slack.startsWith('*🔴 &lt;b&gt;*Shop_API*&lt;/b&gt; &amp; [x](http://evil) @everyone is down*'), slack);
  assert.ok(slack.includes('<https://upbeat.example.com/sites/7?a=1&amp;b=(2)|Open &lt;b&gt;'), slack);
});

test('Telegram HTML escapes text and attributes and uses only b and a tags', () => {
  const html = renderTelegramHtml(hostile);
  assert.ok(html.includes('&lt;b&gt;*Shop_API*&lt;/b&gt; &amp; [x](http://evil)'), html);
  assert.ok(html.includes('<a href="https://upbeat.example.com/sites/7?a=1&amp;b=(2)">'), html);
  const tags = new Set([...html.matchAll(/<\/?([a-z]+)/g)].map((m) => m[1]));
  assert.deepEqual([...tags].sort(), ['a', 'b']);
});

test('the email HTML escapes the site name and carries every fact', () => {
  const html = renderEmailHtml(hostile);
  assert.ok(!html.includes('<b>*Shop'), 'the name is not markup');
  assert.ok(html.includes('&lt;b&gt;*Shop_API*&lt;/b&gt; &amp;'));
  for (const f of hostile.facts) assert.ok(html.includes(f.label), f.label);
});

test('leaving out the title and the link leaves the body alone', () => {
  const message = composeMessage(down);
  const body = renderText(message, { title: false, link: false });
  assert.ok(!body.includes(message.title));
  assert.ok(!body.includes('Open Shop API'));
  assert.ok(body.startsWith('DNS: cannot resolve shop.example.com'));
});
