import type { Db } from './connection';

/**
 * A stored notification channel. `config` is the type's own JSON shape as stored: its secret fields sealed
 * (lib/secrets/channel-config.ts opens them), or in clear in a row from before sealing. Never send it out as is.
 */
export interface ChannelRecord {
  id: number;
  name: string;
  type: string;
  config: Record<string, unknown>;
  isDefault: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** The configuration file that declares it (migration 0013); null when made in the UI. */
  managedBy: string | null;
}

/** How a channel has been doing lately, for the list in Settings → Notifications. */
export interface ChannelHealth {
  lastAttemptAt: number | null;
  lastOutcome: 'delivered' | 'retry' | 'failed' | null;
  lastError: string | null;
  lastStatusCode: number | null;
  /** Attempts since the last delivery (all of them when it never delivered). */
  failuresInARow: number;
  /** Messages waiting to be delivered (including retries). */
  pending: number;
}

export interface NewChannel {
  name: string;
  type: string;
  config: Record<string, unknown>;
  isDefault: boolean;
  enabled: boolean;
}

export type ChannelPatch = Partial<Omit<NewChannel, 'type'>>;

interface ChannelRow {
  id: number;
  name: string;
  type: string;
  config: string;
  is_default: number;
  enabled: number;
  created_at: number;
  updated_at: number;
  managed_by: string | null;
}

function toChannel(r: ChannelRow): ChannelRecord {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    config: parseConfig(r.config),
    isDefault: r.is_default === 1,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    managedBy: r.managed_by ?? null,
  };
}

function parseConfig(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // a row written by hand: the channel's schema refuses it at send time, with a message
  }
  return {};
}

export interface ChannelVerbs {
  listChannels(): ChannelRecord[];
  getChannel(id: number): ChannelRecord | undefined;
  createChannel(channel: NewChannel, now?: number): ChannelRecord;
  /** Applies the given fields; undefined when no channel has that id. */
  updateChannel(id: number, patch: ChannelPatch, now?: number): ChannelRecord | undefined;
  /** Removes the channel with its site links, outbox rows and attempts (by cascade). */
  deleteChannel(id: number): boolean;
  /** Recent delivery figures of every channel, by id (channels never tried have none). */
  channelHealth(): Map<number, ChannelHealth>;
  /** The ids of the sites a channel notifies about. */
  sitesOfChannel(id: number): number[];
  /** Replaces the set of sites a channel notifies about; ids of missing sites are ignored. */
  setSitesOfChannel(id: number, siteIds: readonly number[]): void;
}

export function createChannelVerbs(db: Db): ChannelVerbs {
  const list = db.prepare<[], ChannelRow>(`SELECT * FROM channels ORDER BY name COLLATE NOCASE, id`);
  const get = db.prepare<[number], ChannelRow>(`SELECT * FROM channels WHERE id = ?`);
  const insert = db.prepare(
    `INSERT INTO channels (name, type, config, is_default, enabled, created_at, updated_at)
     VALUES (@name, @type, @config, @isDefault, @enabled, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE channels SET name = @name, config = @config, is_default = @isDefault, enabled = @enabled,
       updated_at = @now WHERE id = @id`,
  );
  const del = db.prepare<[number]>(`DELETE FROM channels WHERE id = ?`);
  // The newest attempt per channel, and how many attempts came after its newest delivery.
  const health = db.prepare<
    [],
    {
      channel_id: number;
      at: number | null;
      outcome: ChannelHealth['lastOutcome'];
      error: string | null;
      status_code: number | null;
      failures: number;
      pending: number;
    }
  >(
    `SELECT c.id AS channel_id, a.at, a.outcome, a.error, a.status_code,
       (SELECT count(*) FROM delivery_attempts f
         WHERE f.channel_id = c.id AND f.outcome != 'delivered'
           AND f.id > coalesce((SELECT max(d.id) FROM delivery_attempts d
                                WHERE d.channel_id = c.id AND d.outcome = 'delivered'), 0)) AS failures,
       (SELECT count(*) FROM outbox o WHERE o.channel_id = c.id AND o.status = 'pending') AS pending
     FROM channels c
     LEFT JOIN delivery_attempts a
       ON a.id = (SELECT max(id) FROM delivery_attempts x WHERE x.channel_id = c.id)`,
  );
  const sitesOf = db.prepare<[number], { site_id: number }>(
    `SELECT site_id FROM site_channels WHERE channel_id = ? ORDER BY site_id`,
  );
  const unlinkAll = db.prepare<[number]>(`DELETE FROM site_channels WHERE channel_id = ?`);
  const link = db.prepare<[number, number]>(
    `INSERT OR IGNORE INTO site_channels (site_id, channel_id) SELECT id, ? FROM sites WHERE id = ?`,
  );

  const getChannel = (id: number) => {
    const row = get.get(id);
    return row ? toChannel(row) : undefined;
  };

  const updateTx = db.transaction((id: number, patch: ChannelPatch, now: number) => {
    const current = getChannel(id);
    if (!current) return undefined;
    const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    update.run({
      id,
      name: next.name,
      config: JSON.stringify(next.config),
      isDefault: next.isDefault ? 1 : 0,
      enabled: next.enabled ? 1 : 0,
      now,
    });
    return getChannel(id);
  });

  const setSitesTx = db.transaction((id: number, siteIds: readonly number[]) => {
    unlinkAll.run(id);
    for (const siteId of siteIds) link.run(id, siteId);
  });

  return {
    listChannels: () => list.all().map(toChannel),
    getChannel,
    createChannel(channel, now = Date.now()) {
      const info = insert.run({
        name: channel.name,
        type: channel.type,
        config: JSON.stringify(channel.config),
        isDefault: channel.isDefault ? 1 : 0,
        enabled: channel.enabled ? 1 : 0,
        now,
      });
      const created = getChannel(Number(info.lastInsertRowid));
      if (!created) throw new Error('channel vanished right after insert');
      return created;
    },
    updateChannel: (id, patch, now = Date.now()) => updateTx(id, patch, now),
    deleteChannel: (id) => del.run(id).changes > 0,
    channelHealth() {
      const byId = new Map<number, ChannelHealth>();
      for (const r of health.all()) {
        byId.set(r.channel_id, {
          lastAttemptAt: r.at,
          lastOutcome: r.outcome,
          lastError: r.error,
          lastStatusCode: r.status_code,
          failuresInARow: r.failures,
          pending: r.pending,
        });
      }
      return byId;
    },
    sitesOfChannel: (id) => sitesOf.all(id).map((r) => r.site_id),
    setSitesOfChannel: (id, siteIds) => setSitesTx(id, siteIds),
  };
}
