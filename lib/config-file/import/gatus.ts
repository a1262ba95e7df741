import { parse as parseYaml } from 'yaml';
import { HTTP_METHODS, type HttpMethod } from '../../../db/domain';
import { AppError } from '../../errors';
import { SITE_LIMITS } from '../../site-limits';
import { assemble, type ChannelInput, type Draft, type SiteInput } from './assemble';
import { mapConditions, type SiteKindName } from './gatus-conditions';
import { ImportReport, KeyMaker, SECRET_HEADER, envName, placeholder, type ImportResult } from './report';

/**
 * A Gatus `config.yaml` → the configuration document: endpoints (http, tcp, tls, dns) with their conditions,
 * external endpoints as push sites, alerting providers as channels linked to the endpoints that alert through
 * them, and endpoint groups. Values Gatus would take from the environment (`${VAR}`) stay references.
 */

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const isReference = (v: string) => /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v);

/** A Go duration (`30s`, `5m`, `1h30m`, `500ms`) in milliseconds, or null. */
export function parseDuration(v: unknown): number | null {
  const s = str(v);
  if (s === '') return null;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = s;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

export function importGatus(text: string): ImportResult {
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (err) {
    throw new AppError('validation', `Invalid Gatus config: ${(err as Error).message}`, { file: (err as Error).message });
  }
  if (!isObject(config) || (!Array.isArray(config.endpoints) && !Array.isArray(config['external-endpoints']))) {
    throw new AppError('validation', 'Invalid Gatus config: has no endpoints', { file: 'has no endpoints' });
  }
  const report = new ImportReport();
  const secrets: Record<string, string> = {};
  const draft: Draft = { groups: [], channels: [], sites: [], statusPages: [] };

  const channelKeys = new KeyMaker('channel');
  const channelOf = new Map<string, string>();
  const alerting = isObject(config.alerting) ? config.alerting : {};
  for (const [provider, settings] of Object.entries(alerting)) {
    const channel = mapProvider(provider, isObject(settings) ? settings : {}, channelKeys, secrets, report);
    if (channel === null) continue;
    channelOf.set(provider, channel.key);
    draft.channels.push({ channel, from: provider });
  }

  const groupKeys = new KeyMaker('group');
  const groupOf = new Map<string, string>();
  const groupFor = (name: string) => {
    let key = groupOf.get(name);
    if (key === undefined) {
      key = groupKeys.make(name);
      groupOf.set(name, key);
      draft.groups.push({ key, name: name.slice(0, 60) });
    }
    return key;
  };

  const siteKeys = new KeyMaker('site');
  const endpoints = Array.isArray(config.endpoints) ? config.endpoints.filter(isObject) : [];
  for (const [i, e] of endpoints.entries()) {
    const name = str(e.name) || `endpoint ${i + 1}`;
    const site = mapEndpoint(e, name, siteKeys, secrets, report);
    if (site === null) continue;
    linkAlerts(e, name, site, channelOf, report);
    if (str(e.group) !== '') site.group = groupFor(str(e.group));
    draft.sites.push({ site, from: name, what: 'endpoint' });
  }
  const external = Array.isArray(config['external-endpoints']) ? config['external-endpoints'].filter(isObject) : [];
  for (const [i, e] of external.entries()) {
    const name = str(e.name) || `external endpoint ${i + 1}`;
    const site: SiteInput = { key: siteKeys.make(name), name: name.slice(0, SITE_LIMITS.nameMaxLength), kind: 'push' };
    const heartbeat = isObject(e.heartbeat) ? parseDuration(e.heartbeat.interval) : null;
    if (heartbeat !== null && heartbeat > 0) site.intervalSeconds = clamp(Math.round(heartbeat / 1000), 1, SITE_LIMITS.intervalSeconds.max);
    report.add('endpoint setting', `${name}: token`, 'Upbeat gives the site its own ping URL (shown on the site page); point the sender at it');
    linkAlerts(e, name, site, channelOf, report);
    if (str(e.group) !== '') site.group = groupFor(str(e.group));
    draft.sites.push({ site, from: name, what: 'external endpoint' });
  }
  for (const section of ['storage', 'maintenance', 'security', 'announcements', 'suites', 'remote']) {
    if (config[section] !== undefined) report.add('section', section, `Upbeat has its own ${section === 'security' ? 'login' : section} settings; this section is not read`);
  }
  return assemble('gatus', draft, secrets, report);
}

/** The endpoint settings read here (`ui` only changes how Gatus's own dashboard shows the endpoint). */
const ENDPOINT_KEYS = new Set(['name', 'group', 'url', 'method', 'body', 'headers', 'interval', 'conditions', 'alerts', 'client', 'dns', 'enabled', 'graphql', 'ui']);

function mapEndpoint(e: Loose, name: string, keys: KeyMaker, secrets: Record<string, string>, report: ImportReport): SiteInput | null {
  const url = str(e.url);
  const scheme = /^([a-z0-9+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const dns = isObject(e.dns) ? e.dns : null;
  let kind: SiteKindName;
  if (dns !== null) kind = 'dns';
  else if (scheme === 'http' || scheme === 'https') kind = 'http';
  else if (scheme === 'tcp' || scheme === 'tls') kind = 'tcp';
  else {
    report.add('endpoint', name, `Upbeat has no ${scheme ?? 'such'} check (it checks http(s)://, tcp://, tls:// and dns endpoints)`);
    return null;
  }
  const key = keys.make(name);
  const part = (field: string, reason: string) => report.add('endpoint setting', `${name}: ${field}`, reason);
  for (const k of Object.keys(e)) if (!ENDPOINT_KEYS.has(k)) part(k, 'Upbeat has no equivalent setting');
  const site: SiteInput = { key, name: name.slice(0, SITE_LIMITS.nameMaxLength), kind };
  const interval = parseDuration(e.interval);
  site.intervalSeconds = interval === null ? 60 : clamp(Math.round(interval / 1000), 1, SITE_LIMITS.intervalSeconds.max);
  if (e.enabled === false) site.paused = true;
  const client = isObject(e.client) ? e.client : {};
  const timeout = parseDuration(client.timeout);
  if (timeout !== null) site.timeoutMs = clamp(timeout, SITE_LIMITS.timeoutMs.min, SITE_LIMITS.timeoutMs.max);
  if (client.insecure === true) site.tlsVerify = false;
  for (const k of Object.keys(client)) {
    if (k !== 'timeout' && k !== 'insecure') part(`client.${k}`, 'Upbeat has no equivalent client setting');
  }

  if (kind === 'dns') {
    site.url = `dns://${str(dns?.['query-name'])}`;
    site.dnsRecordType = (str(dns?.['query-type']) || 'A').toUpperCase() as 'A';
    const server = url.replace(/^[a-z]+:\/\//i, '');
    if (server !== '') site.dnsServer = server.endsWith(':53') ? server.slice(0, -3) : server;
  } else {
    site.url = url;
  }
  if (kind === 'http') {
    const method = (str(e.method) || 'GET').toUpperCase();
    if ((HTTP_METHODS as readonly string[]).includes(method)) site.method = method as HttpMethod;
    else part('method', `Upbeat does not send ${method}; GET is used`);
    if (isObject(e.headers)) {
      site.headers = Object.fromEntries(
        Object.entries(e.headers).map(([k, v]) => {
          const value = str(v);
          return [k, SECRET_HEADER.test(k) && !isReference(value) ? placeholder(secrets, envName('site', key, `header-${k}`), value) : value];
        }),
      );
    }
    if (str(e.body) !== '') {
      site.requestBody = String(e.body);
      if (/^\s*[[{]/.test(String(e.body))) site.requestContentType = 'application/json';
    }
    if (e.graphql === true) part('graphql', 'the body is sent as written, not wrapped as a GraphQL query');
  }
  const conditions = Array.isArray(e.conditions) ? e.conditions.map(str) : [];
  const mapped = mapConditions(conditions, kind);
  if (mapped.expectedStatus !== undefined) site.expectedStatus = mapped.expectedStatus;
  if (mapped.assertions.length > 0) site.assertions = mapped.assertions;
  if (mapped.dnsExpected.length > 0) site.dnsExpected = mapped.dnsExpected;
  for (const s of mapped.skipped) report.add('condition', `${name}: ${s.condition}`, s.reason);
  return site;
}

/** An endpoint's alerts → its channels; the thresholds of its first enabled alert → confirmAfter / recoverAfter. */
function linkAlerts(e: Loose, name: string, site: SiteInput, channelOf: ReadonlyMap<string, string>, report: ImportReport): void {
  const alerts = Array.isArray(e.alerts) ? e.alerts.filter(isObject) : [];
  const channels: string[] = [];
  let thresholds: { failure: number; success: number } | null = null;
  for (const a of alerts) {
    const type = str(a.type);
    if (a.enabled === false) {
      report.add('alert', `${name}: ${type}`, 'disabled in Gatus');
      continue;
    }
    const key = channelOf.get(type);
    if (key === undefined) {
      report.add('alert', `${name}: ${type}`, `no ${type} channel was carried over (see the alerting section)`);
      continue;
    }
    if (!channels.includes(key)) channels.push(key);
    const failure = Number(a['failure-threshold'] ?? 3);
    const success = Number(a['success-threshold'] ?? 2);
    if (thresholds === null) thresholds = { failure, success };
    else if (thresholds.failure !== failure || thresholds.success !== success) {
      report.add('alert', `${name}: ${type}`, 'Upbeat has one failure/success threshold per site; the first alert\'s are used');
    }
    if (a['send-on-resolved'] === false) report.add('alert', `${name}: ${type}`, 'Upbeat always says when a site is back up');
  }
  if (thresholds !== null) {
    site.confirmAfter = clamp(Math.round(thresholds.failure) || 1, SITE_LIMITS.confirmAfter.min, SITE_LIMITS.confirmAfter.max);
    site.recoverAfter = clamp(Math.round(thresholds.success) || 1, SITE_LIMITS.recoverAfter.min, SITE_LIMITS.recoverAfter.max);
  }
  if (channels.length > 0) site.channels = channels;
}

function mapProvider(provider: string, s: Loose, keys: KeyMaker, secrets: Record<string, string>, report: ImportReport): ChannelInput | null {
  const key = keys.make(provider);
  // A value Gatus reads from the environment stays a reference; one written in clear moves to the environment.
  const secret = (field: string, v: unknown) => {
    const value = str(v);
    return isReference(value) ? value.replace(/^\$\{?([A-Za-z0-9_]+)\}?$/, '${$1}') : placeholder(secrets, envName('channel', key, field), value);
  };
  let channel: Pick<ChannelInput, 'type' | 'config'>;
  switch (provider) {
    case 'slack':
    case 'discord':
    case 'teams':
    case 'teams-workflows':
      channel = { type: provider === 'teams-workflows' ? 'teams' : provider, config: { webhookUrl: secret('webhookUrl', s['webhook-url']) } };
      break;
    case 'telegram': {
      const config: Loose = { botToken: secret('botToken', s.token), chatId: str(s.id) };
      if (str(s['api-url']) !== '') config.apiBaseUrl = str(s['api-url']);
      channel = { type: 'telegram', config };
      break;
    }
    case 'ntfy': {
      const config: Loose = { topic: str(s.topic) };
      if (str(s.url) !== '') config.serverUrl = str(s.url);
      if (str(s.token) !== '') config.token = secret('token', s.token);
      channel = { type: 'ntfy', config };
      break;
    }
    case 'gotify':
      channel = { type: 'gotify', config: { serverUrl: str(s['server-url']), token: secret('token', s.token) } };
      break;
    case 'pushover': {
      const config: Loose = { appToken: secret('appToken', s['application-token']), userKey: secret('userKey', s['user-key']) };
      if (str(s.device) !== '') config.device = str(s.device);
      channel = { type: 'pushover', config };
      break;
    }
    case 'email': {
      const config: Loose = {
        host: str(s.host),
        from: str(s.from),
        to: str(s.to)
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a !== ''),
      };
      const port = Number(s.port);
      if (Number.isInteger(port) && port > 0) {
        config.port = port;
        config.tls = port === 465 ? 'tls' : 'starttls';
      }
      if (str(s.username) !== '') config.user = str(s.username);
      if (str(s.password) !== '') config.password = secret('password', s.password);
      channel = { type: 'email', config };
      break;
    }
    case 'custom': {
      const config: Loose = {
        url: secret('url', s.url),
        secret: placeholder(secrets, envName('channel', key, 'secret'), crypto.randomUUID().replaceAll('-', '')),
      };
      if (str(s.body) !== '' || (str(s.method) !== '' && str(s.method).toUpperCase() !== 'POST')) {
        report.add('alerting setting', `${provider}: method/body`, 'Upbeat posts its own signed JSON to the URL');
      }
      channel = { type: 'webhook', config };
      break;
    }
    default:
      report.add('alerting', provider, `Upbeat has no ${provider} channel (it has webhook, email, slack, discord, teams, telegram, ntfy, gotify, pushover)`);
      return null;
  }
  if (isObject(s['default-alert'])) report.add('alerting setting', `${provider}: default-alert`, "each endpoint's own alerts decide its channels");
  return { key, name: provider, ...channel };
}
