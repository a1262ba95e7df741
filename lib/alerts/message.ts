import type {
  AlertEvent,
  AlertSite,
  CertExpiryEvent,
  DegradedEvent,
  DownEvent,
  GroupedSite,
  LastCheckFigures,
  NetworkEvent,
  NetworkGroup,
  ReminderEvent,
  StormEvent,
  UndegradedEvent,
  UpEvent,
} from './event';
import {
  countOf,
  describeCause,
  formatDuration,
  formatInstant,
  formatLastStatus,
  formatLatency,
  formatSince,
} from './words';

/**
 * An event in words, before any channel's markup: every channel renders this one value (see `render.ts`), so
 * the words are the same in an email, a Slack post and a push notification.
 */
export interface AlertMessage {
  /** Decides colour and priority where a channel has them. */
  tone: 'bad' | 'good' | 'warn' | 'info';
  /** `🔴`; kept apart so channels with their own colour or icon can leave it out. */
  emoji: string;
  /** `Shop API is down`: the title without the emoji. */
  headline: string;
  /** `🔴 Shop API is down`. */
  title: string;
  /** The one sentence to act on: the cause, how long it was down, what to look at. */
  summary: string;
  /** Label and value pairs, in reading order. */
  facts: ReadonlyArray<{ label: string; value: string }>;
  /** For grouped messages: one line per site (at most `MAX_LISTED`, then `… and N more`). */
  items: readonly string[];
  /** Where to look next: the site's page in Upbeat, else the site itself; null when there is neither. */
  link: { url: string; label: string } | null;
}

/** Sites a grouped message names before `… and N more`: enough to see a pattern, short enough for a phone. */
export const MAX_LISTED = 10;

const EMOJI = { bad: '🔴', good: '🟢', warn: '🟠', cert: '🔒', network: '⚠️', test: '🔔' } as const;

/** Turns an event into words. Pure: the same event always gives the same message. */
export function composeMessage(event: AlertEvent): AlertMessage {
  switch (event.kind) {
    case 'down':
    case 'reminder':
      return downMessage(event);
    case 'up':
      return upMessage(event);
    case 'degraded':
    case 'undegraded':
      return slowMessage(event);
    case 'cert-expiry':
      return certificateMessage(event);
    case 'storm':
      return stormMessage(event);
    case 'network':
      return networkMessage(event);
    case 'test':
      return build('info', EMOJI.test, 'Test notification from Upbeat', {
        summary: `Channel "${event.channelName}" delivers. Sent ${formatInstant(event.at)}`,
        link: groupLink(event.link),
      });
  }
}

function downMessage(event: DownEvent | ReminderEvent): AlertMessage {
  const cause = describeCause(event.cause);
  const isReminder = event.kind === 'reminder';
  return build('bad', EMOJI.bad, `${event.site.name} is ${isReminder ? 'still ' : ''}down`, {
    summary: isReminder ? `Down for ${formatDuration(event.downForMs)}: ${cause}` : cause,
    facts: [
      ...siteFacts(event.site),
      { label: 'Down since', value: formatSince(event.since, event.at) },
      ...lastCheckFacts(event),
    ],
    link: siteLink(event.site),
  });
}

function upMessage(event: UpEvent): AlertMessage {
  return build('good', EMOJI.good, `${event.site.name} is back up`, {
    summary: `Back up after ${formatDuration(event.downForMs)}`,
    facts: [
      ...siteFacts(event.site),
      { label: 'Down for', value: `${formatDuration(event.downForMs)} (since ${formatInstant(event.since)})` },
      ...(event.cause !== null ? [{ label: 'Cause was', value: describeCause(event.cause) }] : []),
      ...lastCheckFacts(event),
    ],
    link: siteLink(event.site),
  });
}

function slowMessage(event: DegradedEvent | UndegradedEvent): AlertMessage {
  const { p95Ms, thresholdMs, samples } = event.latency;
  const p95 = { label: 'p95 latency', value: `${formatLatency(p95Ms)} over the last ${countOf(samples, 'check')}` };
  if (event.kind === 'degraded') {
    return build('warn', EMOJI.warn, `${event.site.name} is slow`, {
      summary: `p95 latency ${formatLatency(p95Ms)} is above its ${formatLatency(thresholdMs)} threshold`,
      facts: [
        ...siteFacts(event.site),
        p95,
        { label: 'Threshold', value: formatLatency(thresholdMs) },
        { label: 'Slow since', value: formatSince(event.since, event.at) },
        ...lastCheckFacts(event),
      ],
      link: siteLink(event.site),
    });
  }
  return build('good', EMOJI.good, `${event.site.name} is fast again`, {
    summary: `Back under its ${formatLatency(thresholdMs)} threshold after ${formatDuration(event.degradedForMs)}`,
    facts: [
      ...siteFacts(event.site),
      p95,
      { label: 'Slow for', value: `${formatDuration(event.degradedForMs)} (since ${formatInstant(event.since)})` },
      ...lastCheckFacts(event),
    ],
    link: siteLink(event.site),
  });
}

function certificateMessage(event: CertExpiryEvent): AlertMessage {
  const c = event.certificate;
  const expired = c.daysLeft <= 0;
  const when = expired ? 'has expired' : c.daysLeft === 1 ? 'expires tomorrow' : `expires in ${c.daysLeft} days`;
  return build(c.daysLeft <= 7 ? 'bad' : 'warn', EMOJI.cert, `The certificate of ${event.site.name} ${when}`, {
    summary: expired
      ? `It expired on ${formatInstant(c.expiresAt)}; visitors see a security warning`
      : `Renew it before ${formatInstant(c.expiresAt)}`,
    facts: [
      ...siteFacts(event.site),
      { label: 'Expires', value: formatInstant(c.expiresAt) },
      { label: 'Issuer', value: c.issuer === '' ? 'unknown' : c.issuer },
    ],
    link: siteLink(event.site),
  });
}

function stormMessage(event: StormEvent): AlertMessage {
  const g = event.group;
  const sites = countOf(g.total, 'site');
  const verb = g.total === 1 ? 'is' : 'are';
  if (g.state === 'up') {
    return build('good', EMOJI.good, `${sites} ${verb} back up`, {
      summary: `${sites} recovered within a minute`,
      items: listSites(g.sites, g.total),
      link: groupLink(event.link),
    });
  }
  return build('bad', EMOJI.bad, `${sites} ${verb} down`, {
    summary: `${sites} went down within a minute; first failures:`,
    items: listSites(g.sites, g.total),
    link: groupLink(event.link),
  });
}

function networkMessage(event: NetworkEvent): AlertMessage {
  const g = event.group;
  if (g.state === 'up') {
    return build('good', EMOJI.good, "The monitor's network is back", {
      summary: `Checks pass again; ${countOf(g.total, 'site')} had failed together`,
      link: groupLink(event.link),
    });
  }
  return build('warn', EMOJI.network, "The monitor's own network is probably down", {
    summary:
      `${g.total} of ${countOf(g.checked, 'site')} failed at once with network errors (${kindCounts(g)}): the ` +
      "sites themselves are probably fine. Check the monitor's own connection",
    facts: [
      { label: 'Failing', value: `${g.total} of ${countOf(g.checked, 'site')}` },
    ],
    items: listSites(g.sites, g.total),
    link: groupLink(event.link),
  });
}

function build(
  tone: AlertMessage['tone'],
  emoji: string,
  headline: string,
  parts: Pick<AlertMessage, 'summary' | 'link'> & Partial<Pick<AlertMessage, 'facts' | 'items'>>,
): AlertMessage {
  return { tone, emoji, headline, title: `${emoji} ${headline}`, facts: [], items: [], ...parts };
}

function siteFacts(site: AlertSite): AlertMessage['facts'] {
  return [{ label: 'URL', value: site.url }];
}

function lastCheckFacts(figures: LastCheckFigures): AlertMessage['facts'] {
  const facts = [{ label: 'Last status', value: formatLastStatus(figures.lastStatusCode) }];
  if (figures.lastLatencyMs !== null) facts.push({ label: 'Latency', value: formatLatency(figures.lastLatencyMs) });
  return facts;
}

/** The site's page in Upbeat when there is a public URL; the site itself otherwise, so there is always a link. */
function siteLink(site: AlertSite): AlertMessage['link'] {
  if (site.link !== null) return { url: site.link, label: `Open ${site.name} in Upbeat` };
  return { url: site.url, label: `Open ${site.url}` };
}

function groupLink(link: string | null): AlertMessage['link'] {
  return link === null ? null : { url: link, label: 'Open Upbeat' };
}

function listSites(sites: readonly GroupedSite[], total: number): string[] {
  const listed = sites.slice(0, MAX_LISTED).map((s) => {
    const what = s.cause !== null ? describeCause(s.cause) : `up since ${formatInstant(s.since)}`;
    return `${s.site.name} (${s.site.url}): ${what}`;
  });
  const rest = total - listed.length;
  if (rest > 0) listed.push(`… and ${rest} more`);
  return listed;
}

/** `dns 20, timeout 12`, largest first. */
function kindCounts(g: NetworkGroup): string {
  const entries = Object.entries(g.byKind).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0);
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none recorded' : entries.map(([kind, n]) => `${kind} ${n}`).join(', ');
}
