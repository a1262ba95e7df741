import type { DueOutboxRow, Store } from '../../db';
import { ChannelSecretError, openStoredConfig } from '../secrets/channel-config';
import type { SendContext, SendOutcome } from './channel';
import { sendThrough } from './channels';
import { queueCertificateWarnings } from './cert-expiry';
import { TokenBucket } from './rate-limit';
import { queueReminders } from './reminders';
import { DEFAULT_RETRY_POLICY, settleFailure, type RetryPolicy } from './retry';
import { DEFAULT_STORM_OPTIONS, parseEvent, StormWatch, type StormOptions } from './storm';

/**
 * The sender delivers the outbox. It runs on its own timers beside the checker, never inside a transaction and
 * never on the checker's path: it reads due rows, sends each through its channel (network I/O, bounded per
 * channel and overall), and settles each attempt in one small transaction — delivered once, retried with
 * backoff, or failed after the retry window. A row is only marked after its attempt, so a crash at any moment
 * leaves it pending and it is sent after restart (with the same idempotency key, for the receiver to drop a
 * second copy should the crash fall between the service's answer and the mark).
 */

export interface SenderOptions {
  store: Store;
  /** Upbeat's address for links in the messages this side writes (reminders, certificates, storms). */
  publicUrl?: string;
  /** Days before a certificate's expiry to warn at. */
  certWarnDays?: readonly number[];
  /** How often to look for due rows, ms. Default 200: a message goes out well within a second. */
  pollMs?: number;
  /** Attempts in flight at once, overall. Default 32. */
  concurrency?: number;
  /** Attempts in flight at once per channel, so a dead channel only ever ties up its own. Default 2. */
  perChannelConcurrency?: number;
  /** Per-channel rate: messages a minute, and how many may go at once. Default 60 a minute, bursts of 30. */
  ratePerMinute?: number;
  rateBurst?: number;
  /** Bound on one attempt, ms. Default 10,000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  storm?: Partial<StormOptions>;
  /** How often to queue reminders and certificate warnings, ms. Default 30 s and 10 min. */
  remindersEveryMs?: number;
  certificatesEveryMs?: number;
  /** Overrides for the send context (tests: a CA). */
  sendContext?: Partial<SendContext>;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SenderStats {
  delivered: number;
  retried: number;
  failed: number;
  inFlight: number;
  held: number;
  /** Times the sender has looked at the outbox. */
  looks: number;
}

export interface Sender {
  stats(): SenderStats;
  /** Looks at the outbox now rather than at the next poll. */
  wake(): void;
  /** Stops taking rows and waits for the attempts in flight (each bounded by the timeout). */
  stop(): Promise<void>;
}

interface ChannelSlot {
  inFlight: number;
  bucket: TokenBucket;
  /** A service that asked us to wait (429 with Retry-After) gets nothing from this channel until then. */
  pausedUntil: number;
}

/** Rows read per channel per look, so one channel's backlog never crowds the others out of a read. */
const ROWS_PER_CHANNEL = 50;

export function startSender(options: SenderOptions): Sender {
  const { store } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const pollMs = options.pollMs ?? 200;
  const concurrency = options.concurrency ?? 32;
  const perChannel = options.perChannelConcurrency ?? 2;
  const ratePerMinute = options.ratePerMinute ?? 60;
  const rateBurst = options.rateBurst ?? 30;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const ctx: SendContext = { timeoutMs: options.timeoutMs ?? 10_000, ...options.sendContext };
  const link = options.publicUrl === undefined ? null : `${options.publicUrl}/`;
  const storm = new StormWatch({ store, options: { ...DEFAULT_STORM_OPTIONS, ...options.storm }, link, log });

  const slots = new Map<number, ChannelSlot>();
  const inFlight = new Map<number, Promise<void>>();
  const stats = { delivered: 0, retried: 0, failed: 0, held: 0, looks: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let nextReminders = 0;
  let nextCertificates = 0;

  const slotOf = (channelId: number): ChannelSlot => {
    let slot = slots.get(channelId);
    if (!slot) {
      slot = { inFlight: 0, bucket: new TokenBucket(ratePerMinute, rateBurst, now()), pausedUntil: 0 };
      slots.set(channelId, slot);
    }
    return slot;
  };

  const runJobs = (at: number) => {
    try {
      if (at >= nextReminders) {
        nextReminders = at + (options.remindersEveryMs ?? 30_000);
        queueReminders(store, at, options.publicUrl);
      }
      if (at >= nextCertificates) {
        nextCertificates = at + (options.certificatesEveryMs ?? 600_000);
        queueCertificateWarnings(store, at, options.certWarnDays ?? [30, 14, 7, 1], options.publicUrl);
      }
    } catch (err) {
      log(`[alerts] could not queue reminders or certificate warnings: ${(err as Error).message}`);
    }
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    const at = now();
    stats.looks += 1;
    try {
      runJobs(at);
      // Most looks find nothing due: one indexed read, and back to the checker.
      const nextDue = store.nextOutboxDueAt();
      if (nextDue === null || nextDue > at) {
        stats.held = 0;
        schedule(pollMs);
        return;
      }
      const held = storm.evaluate(at, new Set(inFlight.keys()));
      stats.held = held.size;
      for (const row of store.dueOutboxPerChannel(at, ROWS_PER_CHANNEL)) {
        if (inFlight.size >= concurrency) break;
        if (inFlight.has(row.id) || held.has(row.id)) continue;
        const slot = slotOf(row.channelId);
        if (slot.inFlight >= perChannel || slot.pausedUntil > at || !slot.bucket.tryTake(at)) continue;
        start(row, slot);
      }
    } catch (err) {
      // A locked or busy database is passing: the rows are still there at the next look.
      log(`[alerts] could not read the outbox: ${(err as Error).message}`);
    }
    schedule(pollMs);
  };

  const schedule = (ms: number) => {
    if (stopped || timer !== null) return;
    timer = setTimeout(tick, ms);
    // The sender alone never keeps a process alive; the checker or the web server does.
    timer.unref();
  };

  const start = (row: DueOutboxRow, slot: ChannelSlot) => {
    slot.inFlight += 1;
    const attempt = deliver(row, slot).finally(() => {
      slot.inFlight -= 1;
      inFlight.delete(row.id);
      // A freed slot may have rows waiting behind it.
      if (!stopped) wake();
    });
    inFlight.set(row.id, attempt);
  };

  const deliver = async (row: DueOutboxRow, slot: ChannelSlot): Promise<void> => {
    const startedAt = now();
    const began = performance.now();
    const outcome = await attemptOf(row);
    const durationMs = performance.now() - began;
    const at = now();
    const base = { outboxId: row.id, channelId: row.channelId, at: startedAt, durationMs, statusCode: outcome.status };
    try {
      if (outcome.delivered) {
        store.recordAttempt({ ...base, outcome: 'delivered', error: null }, { status: 'delivered' });
        stats.delivered += 1;
        return;
      }
      const settlement = settleFailure(row, outcome, at, retry);
      if (outcome.retryAfterMs !== undefined) {
        const wait = Math.min(outcome.retryAfterMs, retry.maxRetryAfterMs);
        slot.pausedUntil = Math.max(slot.pausedUntil, at + wait);
      }
      const kind = settlement.status === 'failed' ? 'failed' : 'retry';
      store.recordAttempt({ ...base, outcome: kind, error: outcome.error }, settlement);
      if (kind === 'failed') {
        stats.failed += 1;
        log(`[alerts] gave up on ${row.kind} message ${row.idempotencyKey} to "${row.channelName}": ${outcome.error}`);
      } else stats.retried += 1;
    } catch (err) {
      // Not settled: the row stays pending and is tried again (the receiver drops the copy by its key).
      log(`[alerts] could not record a delivery attempt: ${(err as Error).message}`);
    }
  };

  const attemptOf = async (row: DueOutboxRow): Promise<SendOutcome> => {
    if (!row.channelEnabled) {
      return { delivered: false, retryable: false, status: null, error: 'the channel is turned off' };
    }
    const event = parseEvent(row.payload);
    if (event === null) return { delivered: false, retryable: false, status: null, error: 'unreadable message' };
    let stored: unknown;
    try {
      stored = JSON.parse(row.channelConfig);
    } catch {
      return { delivered: false, retryable: false, status: null, error: 'unreadable channel config' };
    }
    let config: unknown = stored;
    if (stored !== null && typeof stored === 'object' && !Array.isArray(stored)) {
      try {
        const channel = { id: row.channelId, name: row.channelName, type: row.channelType };
        config = openStoredConfig(store, channel, stored as Record<string, unknown>);
      } catch (err) {
        if (!(err instanceof ChannelSecretError)) throw err;
        // Never sent with a sealed value in place of the secret. Kept for retry: with the right key back (a
        // restart), the message still goes out.
        return { delivered: false, retryable: true, status: null, error: err.message };
      }
    }
    return sendThrough(row.channelType, config, event, ctx);
  };

  const wake = () => {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    schedule(0);
  };

  schedule(0);
  return {
    stats: () => ({ ...stats, inFlight: inFlight.size }),
    wake,
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
