import type { Db } from './connection';

/**
 * Reading and settling the outbox, and the log of delivery attempts. Rows are written by the transition that
 * caused them (or by the reminder, certificate and storm jobs through `enqueueOutbox`); the sender reads the due
 * ones, delivers outside any transaction, and settles each attempt here in one small transaction.
 */

export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'grouped';
export type AttemptOutcome = 'delivered' | 'retry' | 'failed';

export interface OutboxRow {
  id: number;
  channelId: number;
  siteId: number | null;
  incidentId: number | null;
  kind: string;
  idempotencyKey: string;
  /** The frozen AlertEvent JSON. */
  payload: string;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  status: OutboxStatus;
}

/** A due row with what the sender needs of its channel. */
export interface DueOutboxRow extends OutboxRow {
  channelType: string;
  channelName: string;
  channelConfig: string;
  channelEnabled: boolean;
}

export interface NewOutboxRow {
  channelId: number;
  siteId: number | null;
  incidentId: number | null;
  kind: string;
  idempotencyKey: string;
  payload: string;
  createdAt: number;
}

export interface AttemptRecord {
  /** Null for a test message, which has no outbox row. */
  outboxId: number | null;
  channelId: number;
  at: number;
  durationMs: number;
  outcome: AttemptOutcome;
  statusCode: number | null;
  error: string | null;
}

/** One row of a channel's attempt log. */
export interface DeliveryAttempt extends AttemptRecord {
  id: number;
  kind: string | null;
  siteId: number | null;
  siteName: string | null;
  idempotencyKey: string | null;
}

/** What a settled attempt does to its outbox row. */
export type Settlement =
  | { status: 'delivered' }
  | { status: 'failed'; error: string }
  | { status: 'pending'; nextAttemptAt: number; error: string };

export interface DeliveryVerbs {
  /**
   * Pending rows due at `now` with their channel, at most `perChannel` of each channel (its oldest), so one
   * channel's backlog never hides another's rows; ordered by due time.
   */
  dueOutboxPerChannel(now: number, perChannel: number): DueOutboxRow[];
  /** When the earliest pending row is due; null when nothing is pending. */
  nextOutboxDueAt(): number | null;
  /** Pending rows of one kind (for storm grouping), oldest first. */
  pendingOutboxOfKind(kind: string): OutboxRow[];
  /**
   * Pending `up` rows whose site's `down` message was carried by a grouped (storm) message on the same channel
   * within `withinMs` before them: their recovery is grouped too.
   */
  pendingRecoveriesAfterStorm(withinMs: number): OutboxRow[];
  /** Inserts rows, skipping any whose idempotency key is already there; returns how many were new. */
  enqueueOutbox(rows: readonly NewOutboxRow[]): number;
  /**
   * In one transaction: writes the grouped message rows and marks the rows they carry `grouped`, so after a
   * crash either both happened or neither did.
   */
  groupOutbox(groupRows: readonly NewOutboxRow[], carriedIds: readonly number[], now: number): void;
  /** Logs the attempt and, for an outbox row, settles it (attempts + 1), in one transaction. */
  recordAttempt(attempt: AttemptRecord, settlement?: Settlement): void;
  /** A channel's attempts, newest first; `before` is the id of the last one on the previous page. */
  listDeliveries(channelId: number, options: { limit: number; before?: number }): DeliveryAttempt[];
  /** Outbox rows by status (tests and benchmarks). */
  outboxCounts(): Record<OutboxStatus, number>;
  getOutboxRow(id: number): OutboxRow | undefined;
  listOutbox(): OutboxRow[];
}

interface OutboxDbRow {
  id: number;
  channel_id: number;
  site_id: number | null;
  incident_id: number | null;
  kind: string;
  idempotency_key: string;
  payload: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  status: OutboxStatus;
}

interface DueDbRow extends OutboxDbRow {
  channel_type: string;
  channel_name: string;
  channel_config: string;
  channel_enabled: number;
}

function toOutbox(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    channelId: r.channel_id,
    siteId: r.site_id,
    incidentId: r.incident_id,
    kind: r.kind,
    idempotencyKey: r.idempotency_key,
    payload: r.payload,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: r.attempts,
    status: r.status,
  };
}

const OUTBOX_COLUMNS = `o.id, o.channel_id, o.site_id, o.incident_id, o.kind, o.idempotency_key, o.payload,
  o.created_at, o.next_attempt_at, o.attempts, o.status`;

export function createDeliveryVerbs(db: Db): DeliveryVerbs {
  const due = db.prepare<[number, number], DueDbRow>(
    `SELECT * FROM (
       SELECT ${OUTBOX_COLUMNS}, c.type AS channel_type, c.name AS channel_name, c.config AS channel_config,
         c.enabled AS channel_enabled,
         row_number() OVER (PARTITION BY o.channel_id ORDER BY o.next_attempt_at, o.id) AS n
       FROM outbox o JOIN channels c ON c.id = o.channel_id
       WHERE o.status = 'pending' AND o.next_attempt_at <= ?)
     WHERE n <= ? ORDER BY next_attempt_at, id`,
  );
  const nextDue = db.prepare<[], { at: number | null }>(
    `SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending'`,
  );
  const ofKind = db.prepare<[string], OutboxDbRow>(
    `SELECT ${OUTBOX_COLUMNS} FROM outbox o INDEXED BY outbox_due WHERE o.status = 'pending' AND o.kind = ? ORDER BY o.id`,
  );
  const recoveries = db.prepare<[number], OutboxDbRow>(
    `SELECT ${OUTBOX_COLUMNS} FROM outbox o
     WHERE o.status = 'pending' AND o.kind = 'up' AND o.site_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM outbox d
                   WHERE d.channel_id = o.channel_id AND d.site_id = o.site_id AND d.kind = 'down'
                     AND d.status = 'grouped' AND d.created_at >= o.created_at - ? AND d.id < o.id)
     ORDER BY o.id`,
  );
  const insert = db.prepare(
    `INSERT OR IGNORE INTO outbox (channel_id, site_id, incident_id, kind, idempotency_key, payload, created_at,
       next_attempt_at)
     VALUES (@channelId, @siteId, @incidentId, @kind, @idempotencyKey, @payload, @createdAt, @createdAt)`,
  );
  const markGrouped = db.prepare<[number, number]>(
    `UPDATE outbox SET status = 'grouped', delivered_at = ? WHERE id = ? AND status = 'pending'`,
  );
  const insertAttempt = db.prepare(
    `INSERT INTO delivery_attempts (outbox_id, channel_id, at, duration_ms, outcome, status_code, error)
     VALUES (@outboxId, @channelId, @at, @durationMs, @outcome, @statusCode, @error)`,
  );
  const settleDelivered = db.prepare<[number, number]>(
    `UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL
     WHERE id = ? AND status = 'pending'`,
  );
  const settleFailed = db.prepare<[string, number]>(
    `UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'`,
  );
  const settleRetry = db.prepare<[number, string, number]>(
    `UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'`,
  );
  const deliveries = db.prepare<
    [number, number, number],
    {
      id: number;
      outbox_id: number | null;
      channel_id: number;
      at: number;
      duration_ms: number | null;
      outcome: AttemptOutcome;
      status_code: number | null;
      error: string | null;
      kind: string | null;
      site_id: number | null;
      site_name: string | null;
      idempotency_key: string | null;
    }
  >(
    `SELECT a.id, a.outbox_id, a.channel_id, a.at, a.duration_ms, a.outcome, a.status_code, a.error,
       o.kind, o.site_id, s.name AS site_name, o.idempotency_key
     FROM delivery_attempts a
     LEFT JOIN outbox o ON o.id = a.outbox_id
     LEFT JOIN sites s ON s.id = o.site_id
     WHERE a.channel_id = ? AND a.id < ?
     ORDER BY a.id DESC LIMIT ?`,
  );
  const counts = db.prepare<[], { status: OutboxStatus; n: number }>(
    `SELECT status, count(*) AS n FROM outbox GROUP BY status`,
  );
  const getRow = db.prepare<[number], OutboxDbRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox o WHERE o.id = ?`);
  const all = db.prepare<[], OutboxDbRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox o ORDER BY o.id`);

  const enqueueTx = db.transaction((rows: readonly NewOutboxRow[]) => {
    let added = 0;
    for (const r of rows) added += insert.run(r).changes;
    return added;
  });

  const groupTx = db.transaction((groupRows: readonly NewOutboxRow[], carried: readonly number[], now: number) => {
    for (const r of groupRows) insert.run(r);
    for (const id of carried) markGrouped.run(now, id);
  });

  const attemptTx = db.transaction((a: AttemptRecord, s: Settlement | undefined) => {
    insertAttempt.run(a);
    if (a.outboxId === null || s === undefined) return;
    if (s.status === 'delivered') settleDelivered.run(a.at, a.outboxId);
    else if (s.status === 'failed') settleFailed.run(s.error, a.outboxId);
    else settleRetry.run(s.nextAttemptAt, s.error, a.outboxId);
  });

  return {
    dueOutboxPerChannel: (now, perChannel) =>
      due.all(now, perChannel).map((r) => ({
        ...toOutbox(r),
        channelType: r.channel_type,
        channelName: r.channel_name,
        channelConfig: r.channel_config,
        channelEnabled: r.channel_enabled === 1,
      })),
    nextOutboxDueAt: () => nextDue.get()?.at ?? null,
    pendingOutboxOfKind: (kind) => ofKind.all(kind).map(toOutbox),
    pendingRecoveriesAfterStorm: (withinMs) => recoveries.all(withinMs).map(toOutbox),
    enqueueOutbox: (rows) => (rows.length === 0 ? 0 : enqueueTx(rows)),
    groupOutbox: (groupRows, carried, now) => groupTx(groupRows, carried, now),
    recordAttempt: (attempt, settlement) => attemptTx(attempt, settlement),
    listDeliveries: (channelId, { limit, before }) =>
      deliveries.all(channelId, before ?? Number.MAX_SAFE_INTEGER, limit).map((r) => ({
        id: r.id,
        outboxId: r.outbox_id,
        channelId: r.channel_id,
        at: r.at,
        durationMs: r.duration_ms ?? 0,
        outcome: r.outcome,
        statusCode: r.status_code,
        error: r.error,
        kind: r.kind,
        siteId: r.site_id,
        siteName: r.site_name,
        idempotencyKey: r.idempotency_key,
      })),
    outboxCounts() {
      const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0, grouped: 0 };
      for (const r of counts.all()) out[r.status] = r.n;
      return out;
    },
    getOutboxRow: (id) => {
      const r = getRow.get(id);
      return r ? toOutbox(r) : undefined;
    },
    listOutbox: () => all.all().map(toOutbox),
  };
}
