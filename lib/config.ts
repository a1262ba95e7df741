import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './http/client-address';
import { DEFAULT_RETENTION, MIN_RETENTION, type Retention } from '../db/retention';
import { parseKey } from './secrets/key';

/**
 * The only reader of `process.env`. Parsed once, on first use, so a bad value fails loudly at start with the
 * variable's name instead of surfacing later as odd behaviour.
 */
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const envSchema = z.object({
  UPBEAT_DB: z.string().min(1).default('./data/upbeat.db'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The one address `npm start` listens on (passed to `next start --hostname`); every interface without it. */
  HOST: z.string().trim().optional(),
  /** The ceiling of the adaptive bound on checks in flight (lib/monitor/bound.ts). */
  UPBEAT_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(2000),
  UPBEAT_MONITOR: onOff.default(true),
  /** `off` runs the scheduler and probes on the main thread instead of their own worker thread (for debugging). */
  UPBEAT_CHECKER_THREAD: onOff.default(true),
  /**
   * How far the main thread (pages, API, recorder) yields the CPU to the checker thread: a Linux nice value for the
   * main thread alone, 0-19; 0 leaves both equal (lib/monitor/thread-priority.ts).
   */
  UPBEAT_MAIN_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** How often the checker looks for site changes made by another process, ms. */
  UPBEAT_SYNC_MS: z.coerce.number().int().min(50).max(60000).default(250),
  /** Set by `npm start`: Next.js leaves SIGTERM/SIGINT to us, so checks in flight can finish first. */
  NEXT_MANUAL_SIG_HANDLE: z.string().optional(),
  /** Creates the owner's account headless on first start (at least 10 characters). */
  UPBEAT_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** A bearer token accepted for automation, beside the tokens created in the settings page. */
  UPBEAT_API_TOKEN: z.string().min(20, 'must be at least 20 characters').optional(),
  /** Makes the read-only pages and GET API public; changes still need authority. */
  UPBEAT_PUBLIC_READ: onOff.default(false),
  /** Serves GET /metrics without a token (it shows every site's name and URL). */
  UPBEAT_METRICS_PUBLIC: onOff.default(false),
  /** Refuses private and loopback targets too (link-local and metadata addresses are always refused). */
  UPBEAT_BLOCK_PRIVATE: onOff.default(false),
  /**
   * Proxies whose forwarded headers are believed: off (default), a hop count, or proxy addresses/CIDRs
   * (lib/http/client-address.ts).
   */
  UPBEAT_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Requests a second each anonymous client may make to routes open without credentials, and its burst. */
  UPBEAT_ANON_RATE: z.coerce.number().min(0.1).max(100000).default(10),
  UPBEAT_ANON_BURST: z.coerce.number().int().min(1).max(1000000).default(60),
  /** Event streams open at once, in all and per client; past either, the least recently active one closes. */
  UPBEAT_MAX_STREAMS: z.coerce.number().int().min(1).max(100000).default(1000),
  UPBEAT_MAX_STREAMS_PER_CLIENT: z.coerce.number().int().min(1).max(100000).default(20),
  /** The most sites the database may hold; adding one more answers 409. */
  UPBEAT_MAX_SITES: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  /** Where the web app is built (read by next.config.js too). */
  UPBEAT_DIST_DIR: z.string().min(1).default('.next'),
  /** How long each resolution of history is kept (see db/retention.ts for the minimums and why). */
  UPBEAT_RETAIN_RAW_DAYS: z.coerce.number().int().min(MIN_RETENTION.rawDays).max(3650).default(DEFAULT_RETENTION.rawDays),
  UPBEAT_RETAIN_MINUTE_HOURS: z.coerce
    .number()
    .int()
    .min(MIN_RETENTION.minuteHours)
    .max(24 * 3650)
    .default(DEFAULT_RETENTION.minuteHours),
  UPBEAT_RETAIN_HOUR_DAYS: z.coerce.number().int().min(MIN_RETENTION.hourDays).max(3650).default(DEFAULT_RETENTION.hourDays),
  UPBEAT_RETAIN_DAY_DAYS: z.coerce.number().int().min(MIN_RETENTION.dayDays).max(36500).default(DEFAULT_RETENTION.dayDays),
  /** Upbeat's own address as people reach it, for links in notifications (e.g. https://upbeat.example.com). */
  UPBEAT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Delivers notifications from the outbox where the checker runs. */
  UPBEAT_ALERTS: onOff.default(true),
  /** Days before a certificate expires at which to warn, e.g. `30,14,7,1`. */
  UPBEAT_CERT_WARN_DAYS: z
    .string()
    .regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, 'must be a comma-separated list of whole days, e.g. 30,14,7,1')
    .transform((v) => [...new Set(v.split(',').map((d) => Number(d.trim())))].filter((d) => d > 0).sort((a, b) => b - a))
    .default([30, 14, 7, 1]),
  /**
   * The key that seals secrets at rest (header values, channel secrets): 32 bytes as base64 or 64 hex digits.
   * Unset: a key file beside the database (lib/secrets/key.ts).
   */
  UPBEAT_SECRET_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const key = parseKey(v);
      if (!key) {
        // The message never repeats the value: it is a secret even when malformed.
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as base64 (44 characters) or hex (64 digits)' });
        return z.NEVER;
      }
      return key;
    }),
  /** Scheduled backups go here; unset: no scheduled backups (`npm run backup` works either way). */
  UPBEAT_BACKUP_DIR: z.string().min(1).optional(),
  /** Hours between scheduled backups. */
  UPBEAT_BACKUP_EVERY_HOURS: z.coerce.number().min(0.01).max(24 * 366).default(24),
  /** Scheduled backups kept, newest first. */
  UPBEAT_BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(7),
  /** A configuration file (upbeat.yaml) applied at every start, before the checker starts. */
  UPBEAT_CONFIG: z.string().trim().min(1).optional(),
});

export interface BackupConfig {
  /** Absolute; null: no scheduled backups. */
  dir: string | null;
  everyHours: number;
  keep: number;
}

export interface Config {
  dbPath: string;
  port: number;
  host: string | undefined;
  concurrency: number;
  monitorEnabled: boolean;
  /** Scheduler and probes on their own worker thread (lib/monitor/checker-thread.ts). */
  checkerThread: boolean;
  mainNice: number;
  syncMs: number;
  /** True when this process, not Next.js, must handle SIGTERM/SIGINT. */
  ownsSignals: boolean;
  distDir: string;
  adminPassword: string | undefined;
  apiToken: string | undefined;
  publicRead: boolean;
  metricsPublic: boolean;
  blockPrivate: boolean;
  trustProxy: TrustProxy;
  /** Per-client token bucket for anonymous requests (lib/http/rate-limit.ts). */
  anonRate: { perSecond: number; burst: number };
  maxStreams: { total: number; perClient: number };
  maxSites: number;
  retention: Retention;
  /** Without a trailing slash; undefined when not configured. */
  publicUrl: string | undefined;
  alertsEnabled: boolean;
  /** Largest first. */
  certWarnDays: number[];
  backup: BackupConfig;
  /** From UPBEAT_SECRET_KEY; undefined: the key file beside the database. */
  secretKey: Buffer | undefined;
  /** UPBEAT_CONFIG as given (the name the UI shows as the managing file); undefined: none applied at start. */
  configFile: string | undefined;
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    dbPath: e.UPBEAT_DB === ':memory:' ? e.UPBEAT_DB : path.resolve(e.UPBEAT_DB),
    port: e.PORT,
    host: e.HOST || undefined,
    concurrency: e.UPBEAT_CONCURRENCY,
    monitorEnabled: e.UPBEAT_MONITOR,
    checkerThread: e.UPBEAT_CHECKER_THREAD,
    mainNice: e.UPBEAT_MAIN_NICE,
    syncMs: e.UPBEAT_SYNC_MS,
    distDir: e.UPBEAT_DIST_DIR,
    adminPassword: e.UPBEAT_ADMIN_PASSWORD,
    apiToken: e.UPBEAT_API_TOKEN,
    publicRead: e.UPBEAT_PUBLIC_READ,
    metricsPublic: e.UPBEAT_METRICS_PUBLIC,
    blockPrivate: e.UPBEAT_BLOCK_PRIVATE,
    trustProxy: e.UPBEAT_TRUST_PROXY,
    anonRate: { perSecond: e.UPBEAT_ANON_RATE, burst: e.UPBEAT_ANON_BURST },
    maxStreams: { total: e.UPBEAT_MAX_STREAMS, perClient: e.UPBEAT_MAX_STREAMS_PER_CLIENT },
    maxSites: e.UPBEAT_MAX_SITES,
    retention: {
      rawDays: e.UPBEAT_RETAIN_RAW_DAYS,
      minuteHours: e.UPBEAT_RETAIN_MINUTE_HOURS,
      hourDays: e.UPBEAT_RETAIN_HOUR_DAYS,
      dayDays: e.UPBEAT_RETAIN_DAY_DAYS,
    },
    publicUrl: e.UPBEAT_PUBLIC_URL,
    alertsEnabled: e.UPBEAT_ALERTS,
    certWarnDays: e.UPBEAT_CERT_WARN_DAYS,
    backup: {
      dir: e.UPBEAT_BACKUP_DIR === undefined ? null : path.resolve(e.UPBEAT_BACKUP_DIR),
      everyHours: e.UPBEAT_BACKUP_EVERY_HOURS,
      keep: e.UPBEAT_BACKUP_KEEP,
    },
    secretKey: e.UPBEAT_SECRET_KEY,
    configFile: e.UPBEAT_CONFIG,
    ownsSignals: e.NEXT_MANUAL_SIG_HANDLE !== undefined && e.NEXT_MANUAL_SIG_HANDLE !== '',
  };
}

let cached: Config | undefined;

/** The process's configuration, read from the environment the first time it is asked for. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The environment for a process this one starts (the build on first start): this process's own, with `extra`
 * on top. Kept here so the rest of the code never reads process.env.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/**
 * The value of an environment variable a configuration file refers to as `${NAME}` (lib/config-file/load.ts).
 * Read live, not cached: a file names its own variables, which this module cannot list in advance.
 */
export function envReference(name: string): string | undefined {
  return process.env[name];
}
