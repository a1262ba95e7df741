import { HTTP_METHODS, type Assertion, type HttpMethod } from '../../../db/domain';
import { SITE_LIMITS } from '../../site-limits';
import { parseStatusSpec, normaliseStatusSpec } from '../../status-codes';
import { parseJsonPath } from '../../monitor/json-path';
import { assemble, type Draft, type SiteInput } from './assemble';
import { mapKumaNotification } from './kuma-channels';
import { mapStatusPages } from './kuma-pages';
import { ImportReport, KeyMaker, SECRET_HEADER, envName, placeholder, type ImportResult } from './report';

/**
 * Uptime Kuma's monitors, notifications and status pages → the configuration document. Both readers (the JSON
 * backup and kuma.db) bring what they read into these shapes first, so the mapping is written once.
 */

export interface KumaMonitor {
  id: number;
  name: string;
  type: string;
  active: boolean;
  url: string | null;
  method: string | null;
  body: string | null;
  /** JSON text of an object, as Kuma keeps it. */
  headers: string | null;
  httpBodyEncoding: string | null;
  hostname: string | null;
  port: number | null;
  /** Seconds. */
  interval: number;
  retryInterval: number | null;
  maxretries: number;
  /** Seconds (a float); null or ≤ 0: Kuma's default, 80 % of the interval. */
  timeout: number | null;
  /** Heartbeats between repeated down notifications; 0: none. */
  resendInterval: number;
  acceptedStatusCodes: string[];
  keyword: string | null;
  invertKeyword: boolean;
  jsonPath: string | null;
  jsonPathOperator: string | null;
  expectedValue: string | null;
  ignoreTls: boolean;
  upsideDown: boolean;
  maxredirects: number;
  dnsResolveType: string | null;
  dnsResolveServer: string | null;
  dnsResolvePort: number | null;
  authMethod: string | null;
  basicAuthUser: string | null;
  basicAuthPass: string | null;
  tlsCa: string | null;
  tlsCert: string | null;
  proxyId: number | null;
  parent: number | null;
  description: string | null;
  tags: string[];
  notificationIds: number[];
}

export interface KumaNotification {
  id: number;
  name: string;
  active: boolean;
  isDefault: boolean;
  /** The parsed `config` JSON: `type` and the provider's own fields. */
  config: Record<string, unknown>;
}

export interface KumaStatusPage {
  slug: string;
  title: string;
  description: string | null;
  published: boolean;
  hasPassword: boolean;
  customCss: string | null;
  footerText: string | null;
  domains: string[];
  groups: { name: string; monitorIds: number[] }[];
}

export interface KumaData {
  monitors: KumaMonitor[];
  notifications: KumaNotification[];
  /** null when the source holds no status pages at all (a JSON backup). */
  statusPages: KumaStatusPage[] | null;
}

/** Kuma monitor types with an Upbeat kind; every other type is reported. */
const HTTP_TYPES = new Set(['http', 'keyword', 'json-query']);
const BODY_TYPES: Record<string, string> = { json: 'application/json', form: 'application/x-www-form-urlencoded', xml: 'text/xml' };
const DNS_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS']);

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function mapKuma(data: KumaData): ImportResult {
  const report = new ImportReport();
  const secrets: Record<string, string> = {};
  const draft: Draft = { groups: [], channels: [], sites: [], statusPages: [] };

  const channelKeys = new KeyMaker('channel');
  const channelOf = new Map<number, string>();
  for (const n of data.notifications) {
    const channel = mapKumaNotification(n, channelKeys, secrets, report);
    if (channel === null) continue;
    channelOf.set(n.id, channel.key);
    draft.channels.push({ channel, from: n.name });
  }

  // Kuma's "group" monitors hold other monitors; they become groups, and their children sit in them.
  const groupKeys = new KeyMaker('group');
  const groupOf = new Map<number, string>();
  for (const m of data.monitors.filter((m) => m.type === 'group')) {
    const key = groupKeys.make(m.name);
    groupOf.set(m.id, key);
    // A Kuma group is up while its members are; Upbeat's groups are headings that are never checked or alerted on.
    if (m.notificationIds.length > 0) {
      report.add('monitor setting', `${m.name}: notifications`, 'a group is a heading in Upbeat, not a check; its members keep their own notifications');
    }
    draft.groups.push({ key, name: m.name.trim().slice(0, 60) || key });
  }

  const siteKeys = new KeyMaker('site');
  const siteOf = new Map<number, string>();
  for (const m of data.monitors) {
    if (m.type === 'group') continue;
    const site = mapMonitor(m, siteKeys, secrets, report);
    if (site === null) continue;
    const parentGroup = m.parent === null ? undefined : groupOf.get(m.parent);
    if (parentGroup !== undefined) site.group = parentGroup;
    const channels = m.notificationIds.flatMap((id) => channelOf.get(id) ?? []);
    if (channels.length > 0) site.channels = channels;
    siteOf.set(m.id, site.key);
    draft.sites.push({ site, from: m.name, what: 'monitor' });
  }

  if (data.statusPages === null) {
    report.add('status pages', '(all)', 'a Kuma JSON backup holds no status pages; import kuma.db to bring them');
  } else {
    mapStatusPages(data.statusPages, data.monitors, siteOf, draft, groupKeys, report);
  }
  return assemble('kuma', draft, secrets, report);
}

function mapMonitor(m: KumaMonitor, keys: KeyMaker, secrets: Record<string, string>, report: ImportReport): SiteInput | null {
  const skip = (reason: string) => {
    report.add('monitor', m.name, reason);
    return null;
  };
  if (!HTTP_TYPES.has(m.type) && m.type !== 'port' && m.type !== 'dns' && m.type !== 'push') {
    return skip(`Upbeat has no ${m.type} check (it checks http, keyword, json-query, port, dns and push monitors)`);
  }
  // An inverted monitor is up when the target fails: carried as a plain one it would alert all the time.
  if (m.upsideDown) return skip('upside-down mode (up when the check fails) has no equivalent in Upbeat');
  if (m.type === 'dns' && !DNS_TYPES.has((m.dnsResolveType ?? 'A').toUpperCase())) {
    return skip(`Upbeat resolves ${[...DNS_TYPES].join(', ')} records, not ${m.dnsResolveType}`);
  }
  const key = keys.make(m.name);
  const part = (field: string, reason: string) => report.add('monitor setting', `${m.name}: ${field}`, reason);
  const site: SiteInput = { key, name: m.name.trim().slice(0, SITE_LIMITS.nameMaxLength) };
  if (m.name.trim().length > SITE_LIMITS.nameMaxLength) part('name', `shortened to ${SITE_LIMITS.nameMaxLength} characters`);

  site.intervalSeconds = clamp(Math.round(m.interval), SITE_LIMITS.intervalSeconds.min, SITE_LIMITS.intervalSeconds.max);
  site.confirmAfter = clamp(m.maxretries + 1, SITE_LIMITS.confirmAfter.min, SITE_LIMITS.confirmAfter.max);
  if (m.maxretries + 1 > SITE_LIMITS.confirmAfter.max) {
    part('retries', `${m.maxretries} retries is more than Upbeat's ${SITE_LIMITS.confirmAfter.max} checks before down; set to ${SITE_LIMITS.confirmAfter.max}`);
  }
  if (m.retryInterval !== null && m.retryInterval > 0) {
    site.retryIntervalSeconds = clamp(Math.round(m.retryInterval), SITE_LIMITS.retryIntervalSeconds.min, SITE_LIMITS.retryIntervalSeconds.max);
  }
  if (m.resendInterval > 0) {
    site.remindEveryMinutes = clamp(Math.ceil((m.resendInterval * m.interval) / 60), SITE_LIMITS.remindEveryMinutes.min, SITE_LIMITS.remindEveryMinutes.max);
  }
  if (!m.active) site.paused = true;
  if (m.type !== 'push' && m.timeout !== null && m.timeout > 0) {
    site.timeoutMs = clamp(Math.round(m.timeout * 1000), SITE_LIMITS.timeoutMs.min, SITE_LIMITS.timeoutMs.max);
  }
  if (m.description) part('description', 'Upbeat sites have no description');
  if (m.tags.length > 0) part('tags', `Upbeat has no tags (${m.tags.join(', ')}); groups are the nearest thing`);
  if (m.proxyId !== null) part('proxy', 'Upbeat checks directly, not through a proxy');

  if (m.type === 'port') {
    site.kind = 'tcp';
    site.url = `tcp://${hostForUrl(m.hostname ?? '')}:${m.port ?? ''}`;
    return site;
  }
  if (m.type === 'dns') {
    site.kind = 'dns';
    site.url = `dns://${m.hostname ?? ''}`;
    site.dnsRecordType = (m.dnsResolveType ?? 'A').toUpperCase() as 'A';
    const server = m.dnsResolveServer?.split(',')[0]?.trim();
    if (server) site.dnsServer = m.dnsResolvePort && m.dnsResolvePort !== 53 ? `${hostForUrl(server)}:${m.dnsResolvePort}` : server;
    if ((m.dnsResolveServer ?? '').includes(',')) part('resolver', `only the first of the resolvers ${m.dnsResolveServer} is asked`);
    return site;
  }
  if (m.type === 'push') {
    site.kind = 'push';
    part('push token', 'Upbeat gives the site its own ping URL (shown on the site page); point the sender at it');
    return site;
  }

  site.url = m.url ?? '';
  const method = (m.method ?? 'GET').toUpperCase();
  if ((HTTP_METHODS as readonly string[]).includes(method)) site.method = method as HttpMethod;
  else part('method', `Upbeat does not send ${method}; GET is used`);
  // Kuma offers codes up to 999; each entry is kept or reported on its own.
  const ranges = m.acceptedStatusCodes.flatMap((entry) => {
    const parsed = parseStatusSpec(entry);
    if (typeof parsed !== 'string') return parsed;
    part(`accepted status code ${entry}`, parsed);
    return [];
  });
  if (ranges.length > 0) site.expectedStatus = normaliseStatusSpec(ranges);
  else if (m.acceptedStatusCodes.length > 0) part('accepted status codes', "none is a status Upbeat can expect; its default 200-399 is used");
  if (m.maxredirects === 0) site.followRedirects = false;
  if (m.ignoreTls) site.tlsVerify = false;
  if (m.tlsCa) site.caPem = m.tlsCa;
  if (m.tlsCert) part('client certificate', 'Upbeat does not present client certificates');

  const headers = parseHeaders(m, part);
  const auth = (m.authMethod ?? (m.basicAuthUser ? 'basic' : null)) || null;
  if (auth === 'basic' && (m.basicAuthUser || m.basicAuthPass)) {
    headers.Authorization = `Basic ${Buffer.from(`${m.basicAuthUser ?? ''}:${m.basicAuthPass ?? ''}`).toString('base64')}`;
  } else if (auth !== null && auth !== 'basic') {
    part('authentication', `${auth} authentication is not something Upbeat does; only basic auth (as an Authorization header) carries over`);
  }
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    kept[name] = SECRET_HEADER.test(name) ? placeholder(secrets, envName('site', key, `header-${name}`), value) : value;
  }
  if (Object.keys(kept).length > 0) site.headers = kept;

  if (m.body !== null && m.body.trim() !== '') {
    if (site.method === undefined || site.method === 'GET' || site.method === 'HEAD') {
      part('body', `Upbeat sends a body with POST, PUT or PATCH only, not ${site.method ?? 'GET'}`);
    } else {
      site.requestBody = m.body;
      const type = BODY_TYPES[(m.httpBodyEncoding ?? 'json').toLowerCase()];
      if (type !== undefined) site.requestContentType = type;
    }
  }

  const assertions: Assertion[] = [];
  if (m.type === 'keyword') {
    if (m.keyword) assertions.push({ type: m.invertKeyword ? 'body-not-contains' : 'body-contains', value: m.keyword });
    else part('keyword', 'empty keyword; the site checks the status code only');
  }
  if (m.type === 'json-query') {
    const assertion = jsonAssertion(m);
    if (typeof assertion === 'string') part('json query', assertion);
    else assertions.push(assertion);
  }
  if (assertions.length > 0) site.assertions = assertions;
  return site;
}

const hostForUrl = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

function parseHeaders(m: KumaMonitor, part: (field: string, reason: string) => void): Record<string, string> {
  if (m.headers === null || m.headers.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(m.headers);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    part('headers', 'the headers are not a JSON object, so none carry over');
    return {};
  }
}

const OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Kuma evaluates a JSONata expression and compares its result with the expected value (`==` in 1.x, an operator
 * of choice in 2.x). A plain path (`status`, `data.items[0].state`, `$.status`) is what Upbeat's JSON path can
 * follow; anything JSONata computes is reported.
 */
function jsonAssertion(m: KumaMonitor): Assertion | string {
  const raw = (m.jsonPath ?? '').trim();
  if (raw === '') return 'no JSON query given';
  const path = raw.startsWith('$') ? raw : `$.${raw}`;
  if (typeof parseJsonPath(path) === 'string') return `"${raw}" is a JSONata expression, not a plain path Upbeat can follow`;
  const op = m.jsonPathOperator ?? '==';
  if (!OPS.has(op)) return `the operator ${op} has no equivalent (Upbeat compares with == != < <= > >=)`;
  const text = m.expectedValue ?? '';
  let value: string | number | boolean | null = text;
  if (text === 'true' || text === 'false') value = text === 'true';
  else if (text === 'null') value = null;
  else if (text.trim() !== '' && Number.isFinite(Number(text))) value = Number(text);
  return { type: 'json-path', path, op: op as '==', value };
}
