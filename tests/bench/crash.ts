/**
 * `npm run bench:crash`: the monitor survives SIGKILL at any moment and loses nothing it promised.
 * Prints a row per round and a verdict (also written as Markdown to tests/output/bench-crash.md).
 *
 * The web server with the checker inside (`next start`, as `npm start` runs it) checks N local sites (default
 * 1,000, every 10 s) while a client keeps adding more through `POST /api/sites`. At a random moment the server is killed
 * with SIGKILL; then, with it down, the database must pass `PRAGMA integrity_check`, hold every site whose create
 * returned 201, and hold no check row that is half-written or inconsistent (and, where the rollup tables exist,
 * rollups that agree with the raw rows). The server is started again, and within one interval (plus slack)
 * every site must have been checked again — without a burst of catch-up checks: the busiest second after the
 * restart stays within 1.5× the steady rate (sites / interval).
 *
 *   npm run bench:crash                               ten rounds, about 4 minutes
 *   npm run bench:crash -- --sites 200 --rounds 2     a short run while developing
 *
 * Flags: --sites N (1000), --rounds N (10), --interval S (10), --slack S (3, on top of one interval),
 * --extra S (6: the kill comes at a random moment up to this long after the resume check), --add-rate N (3 sites
 * added a second), --adds N (100 a round at most), --concurrency N (100), --seed N (random), --keep.
 */
import { openStore } from '../../db';
import {
  authHeaders,
  describeMachine,
  ensureBuild,
  killChild,
  log,
  machineBusyMeter,
  parseFlags,
  runMain,
  seedSites,
  sleep,
  startTargetServer,
  startWeb,
  stopChild,
  targetSite,
  tempDatabase,
  writeReport,
  type WebServer,
} from './reliability/common';
import { perSecond } from './reliability/analysis';
import { num, type Row } from './lib/table';
import { nextSiteState } from '../../lib/monitor/state';

const flags = parseFlags(process.argv.slice(2), {
  sites: { default: 1000, min: 1, max: 100_000 },
  rounds: { default: 10, min: 1, max: 1000 },
  interval: { default: 10, min: 2, max: 600 },
  slack: { default: 3, min: 0, max: 600 },
  extra: { default: 6, min: 0, max: 600 },
  adds: { default: 100, min: 0, max: 10_000 },
  'add-rate': { default: 3, min: 0.1, max: 100, integer: false },
  concurrency: { default: 100, min: 1, max: 10_000 },
  seed: { default: Date.now() % 1_000_000, min: 0, max: Number.MAX_SAFE_INTEGER },
}, ['keep']);

/** A small seeded generator (mulberry32), so a failing round can be replayed with --seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Adding sites through the API while the server runs (and dies)

class Adder {
  /** Ids whose create answered 201. */
  readonly created: number[] = [];
  attempts = 0;
  failures = 0;
  /** Creates that were still waiting for their answer when the server died. */
  cutOff = 0;
  private onDispatch: (() => void) | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private next = 0;

  constructor(private readonly targetPort: number) {}

  start(baseUrl: string, max: number): void {
    this.running = true;
    this.loop = (async () => {
      for (let i = 0; i < max && this.running; i++) {
        const n = 500_000 + this.next++;
        this.attempts++;
        this.onDispatch?.();
        this.onDispatch = null;
        try {
          const res = await fetch(`${baseUrl}/api/sites`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...authHeaders },
            body: JSON.stringify({
              name: `added ${n}`,
              url: targetSite(this.targetPort, n).url,
              intervalSeconds: flags.interval,
              timeoutMs: 5000,
              followRedirects: false,
            }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await res.json()) as { id?: number };
          if (res.status === 201 && typeof body.id === 'number') this.created.push(body.id);
          else this.failures++;
        } catch {
          // The server died under the request: its outcome is unknown, so it promises nothing.
          this.failures++;
          if (!this.running) this.cutOff++;
        }
        await sleep(1000 / flags['add-rate']);
      }
    })();
  }

  /** Resolves as the next create is sent (or at once when the adder has stopped). */
  nextDispatch(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => (this.onDispatch = resolve));
  }

  /** Call just before killing the server: a request that fails from now on was cut off by the kill. */
  markKill(): void {
    this.running = false;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What must hold after a crash

interface Offline {
  integrity: string;
  missing: number;
  badRows: number;
  orphans: number;
  rollups: 'agree' | 'absent' | string;
  checks: number;
  sites: number;
}

function inspectAfterCrash(file: string, created: readonly number[], begun: number): Offline {
  // Opening replays the write-ahead log, as the next start would.
  const store = openStore(file, { decideState: nextSiteState });
  try {
    const db = store.db;
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
    const ids = new Set(db.prepare<[], { id: number }>('SELECT id FROM sites').all().map((r) => r.id));
    const missing = created.filter((id) => !ids.has(id)).length;
    const badRows =
      db
        .prepare<{ begun: number; now: number }, { n: number }>(
          `SELECT count(*) AS n FROM checks WHERE NOT (
             ok IN (0, 1)
             AND total_us >= 0 AND dns_us >= 0 AND connect_us >= 0 AND tls_us >= 0 AND ttfb_us >= 0 AND transfer_us >= 0
             AND abs(dns_us + connect_us + tls_us + ttfb_us + transfer_us - total_us) <= 5
             AND ((ok = 1 AND error_kind IS NULL AND error_message IS NULL)
               OR (ok = 0 AND error_kind IS NOT NULL AND error_message IS NOT NULL))
             AND (status_code IS NULL OR status_code BETWEEN 100 AND 599)
             AND lag_ms >= 0
             AND checked_at BETWEEN @begun AND @now)`,
        )
        .get({ begun, now: Date.now() })?.n ?? -1;
    const orphans =
      (db.prepare<[], { n: number }>('SELECT count(*) AS n FROM checks WHERE site_id NOT IN (SELECT id FROM sites)').get()
        ?.n ?? 0) +
      (db
        .prepare<[], { n: number }>(
          'SELECT count(*) AS n FROM sites WHERE last_check_id IS NOT NULL AND last_check_id NOT IN (SELECT id FROM checks)',
        )
        .get()?.n ?? 0) +
      (db.pragma('foreign_key_check') as unknown[]).length;
    const hasRollups =
      db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'rollup_minute'").get()?.n === 1;
    let rollups = 'absent';
    if (hasRollups) {
      // Written in the same transaction as the raw rows: every minute of every site must count the same.
      const disagree =
        db
          .prepare<[], { n: number }>(
            `SELECT count(*) AS n FROM (
               SELECT site_id, (checked_at / 60000) * 60000 AS t, count(*) AS c FROM checks GROUP BY 1, 2
             ) raw LEFT JOIN rollup_minute r ON r.site_id = raw.site_id AND r.t = raw.t
             WHERE r.checks IS NOT raw.c`,
          )
          .get()?.n ?? -1;
      const totals = db
        .prepare<[], { raw: number; rolled: number | null }>(
          'SELECT (SELECT count(*) FROM checks) AS raw, (SELECT sum(checks) FROM rollup_minute) AS rolled',
        )
        .get();
      rollups =
        disagree === 0 && totals?.raw === (totals?.rolled ?? 0)
          ? 'agree'
          : `${disagree} minutes differ (${totals?.raw} raw, ${totals?.rolled} rolled up)`;
    }
    return {
      integrity,
      missing,
      badRows,
      orphans,
      rollups,
      checks: store.countChecks(),
      sites: ids.size,
    };
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What must hold after the restart

interface Resume {
  sites: number;
  checkedInTime: number;
  /** The latest first check after the restart, s after the checker started. */
  slowestFirstS: number;
  peakPerSecond: number;
  steadyPerSecond: number;
  /** The schedule's own busiest second in the same stretch (grid slots), for comparison. */
  firstIntervalChecks: number;
}

function checkerStartedAt(file: string): number {
  const store = openStore(file, { decideState: nextSiteState });
  try {
    const hb = store.readSelfReport();
    if (!hb || hb.stoppedAt !== null) throw new Error('no running checker self-report after the restart');
    return hb.startedAt;
  } finally {
    store.close();
  }
}

function inspectResume(file: string, siteIds: readonly number[], t0: number): Resume {
  const store = openStore(file, { decideState: nextSiteState });
  try {
    const windowMs = (flags.interval + flags.slack) * 1000;
    const rows = store.db
      .prepare<[number, number], { site_id: number; checked_at: number }>(
        'SELECT site_id, checked_at FROM checks WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at',
      )
      .all(t0, t0 + windowMs);
    const wanted = new Set(siteIds);
    const firstAt = new Map<number, number>();
    for (const r of rows) if (wanted.has(r.site_id) && !firstAt.has(r.site_id)) firstAt.set(r.site_id, r.checked_at);
    const intervalMs = flags.interval * 1000;
    const firstInterval = rows.filter((r) => wanted.has(r.site_id) && r.checked_at < t0 + intervalMs);
    const seconds = perSecond(
      firstInterval.map((r) => r.checked_at),
      t0,
      t0 + intervalMs,
    );
    return {
      sites: wanted.size,
      checkedInTime: firstAt.size,
      slowestFirstS: firstAt.size === 0 ? NaN : (Math.max(...firstAt.values()) - t0) / 1000,
      peakPerSecond: Math.max(0, ...seconds),
      steadyPerSecond: wanted.size / flags.interval,
      firstIntervalChecks: firstInterval.length,
    };
  } finally {
    store.close();
  }
}

function listSiteIds(file: string): number[] {
  const store = openStore(file, { decideState: nextSiteState });
  try {
    return store.db.prepare<[], { id: number }>('SELECT id FROM sites WHERE paused = 0').all().map((r) => r.id);
  } finally {
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

interface Round {
  n: number;
  ranS: number;
  added: number;
  /** Creates in flight when the server was killed (their outcome is unknown; they promise nothing). */
  cutOff: number;
  offline: Offline;
  resume: Resume | null;
}

function isRoundClean(r: Round): boolean {
  const o = r.offline;
  const resumeOk =
    r.resume !== null &&
    r.resume.checkedInTime === r.resume.sites &&
    r.resume.peakPerSecond <= 1.5 * r.resume.steadyPerSecond;
  return (
    o.integrity === 'ok' &&
    o.missing === 0 &&
    o.badRows === 0 &&
    o.orphans === 0 &&
    (o.rollups === 'agree' || o.rollups === 'absent') &&
    resumeOk
  );
}

async function main(): Promise<void> {
  const machine = describeMachine();
  log(machine);
  log(`seed ${flags.seed} (replay with --seed ${flags.seed})`);
  const rand = random(flags.seed);
  const busy = machineBusyMeter();
  const begun = Date.now();
  ensureBuild();
  const target = await startTargetServer();
  const db = tempDatabase('upbeat-crash-');
  const rounds: Round[] = [];
  let web: WebServer | null = null;
  try {
    seedSites(
      db.file,
      Array.from({ length: flags.sites }, (_, i) =>
        targetSite(target.port, i + 1, { intervalSeconds: flags.interval, timeoutMs: 5000 }),
      ),
    );
    const env = { UPBEAT_CONCURRENCY: String(flags.concurrency) };
    web = await startWeb(db.file, env);
    let t0 = checkerStartedAt(db.file);
    let resumeSites: number[] | null = null;
    const adder = new Adder(target.port);
    for (let n = 1; n <= flags.rounds; n++) {
      const startedAt = t0;
      const createdBefore = adder.created.length;
      adder.start(web.baseUrl, flags.adds);
      // The previous restart must have resumed within one interval: give it that long, then look.
      await sleep(t0 + (flags.interval + flags.slack) * 1000 + 500 - Date.now());
      if (resumeSites !== null) {
        const resume = inspectResume(db.file, resumeSites, t0);
        const previous = rounds[rounds.length - 1]!;
        previous.resume = resume;
        log(`round ${previous.n}: ${resume.checkedInTime} / ${resume.sites} sites checked within ` +
          `${flags.interval + flags.slack} s of the restart; busiest second ${resume.peakPerSecond} ` +
          `(steady ${num(resume.steadyPerSecond, 1)}/s)`);
      }
      const extraMs = rand() * flags.extra * 1000;
      await sleep(extraMs);
      // Aim the kill at a create in progress: a few ms after one is sent it is being parsed, validated or
      // committed. (When the round's adds are used up, the kill comes at once.)
      await Promise.race([adder.nextDispatch(), sleep(2000)]);
      await sleep(rand() * 8);
      const ranS = (Date.now() - startedAt) / 1000;
      log(`round ${n}: SIGKILL to the web server (pid ${web.started.pid}) after ${num(ranS, 1)} s`);
      adder.markKill();
      await killChild(web.started);
      await adder.stop();
      const cutOff = adder.cutOff;
      adder.cutOff = 0;
      const offline = inspectAfterCrash(db.file, adder.created, begun);
      const added = adder.created.length - createdBefore;
      log(
        `round ${n}: integrity ${offline.integrity}; ${added} sites added this round, ${offline.missing} of all ` +
          `${adder.created.length} created missing; ${offline.badRows} bad rows; rollups ${offline.rollups}`,
      );
      rounds.push({ n, ranS, added, cutOff, offline, resume: null });
      resumeSites = listSiteIds(db.file);
      web = await startWeb(db.file, env);
      t0 = checkerStartedAt(db.file);
    }
    await sleep(t0 + (flags.interval + flags.slack) * 1000 + 500 - Date.now());
    rounds[rounds.length - 1]!.resume = inspectResume(db.file, resumeSites ?? [], t0);
    const code = await stopChild(web.started);
    web = null;
    if (code !== 0) log(`the web server exited with ${code} on SIGTERM`);
  } finally {
    if (web) await stopChild(web.started);
    await stopChild(target.started);
    db.remove(flags.has('keep'));
  }

  const rows: Row[] = rounds.map((r) => {
    const o = r.offline;
    const s = r.resume;
    const resume = s
      ? `${num(s.checkedInTime)}/${num(s.sites)} in ${flags.interval + flags.slack} s (last at ${num(s.slowestFirstS, 1)} s)`
      : 'n/a';
    const burst = s ? `peak ${s.peakPerSecond}/s vs steady ${num(s.steadyPerSecond, 1)}/s` : '';
    return {
      measure: `Round ${r.n}: killed after ${num(r.ranS, 1)} s, +${r.added} sites (${r.cutOff} create cut off)`,
      result:
        `integrity ${o.integrity}; missing ${o.missing}; bad rows ${o.badRows}; orphans ${o.orphans}; ` +
        `rollups ${o.rollups}`,
      target: 'ok; 0; 0; 0; agree',
      ratio: `resumed ${resume}; ${burst}`,
      met: isRoundClean(r) ? 'yes' : 'no',
    };
  });
  const clean = rounds.filter(isRoundClean).length;
  rows.push({
    measure: `Verdict: ${flags.rounds} SIGKILLs of \`next start\` (checker inside) on ${num(flags.sites)} sites`,
    result: `${clean} / ${rounds.length} rounds clean`,
    target: 'all clean',
    ratio: '',
    met: clean === rounds.length ? 'yes' : 'no',
  });
  const last = rounds[rounds.length - 1];
  const notes = [
    `Each round: the server runs (checking ${num(flags.sites)} sites every ${flags.interval} s, UPBEAT_CONCURRENCY=` +
      `${flags.concurrency}) while a client POSTs new sites (${flags['add-rate']} a second, at most ${flags.adds} a ` +
      `round, so it is still adding when the kill comes); after one interval + ` +
      `${flags.slack} s (to judge the previous restart) and a random 0-${flags.extra} s more, SIGKILL, aimed 0-8 ms ` +
      `after a create was sent. With the server ` +
      `down: \`PRAGMA integrity_check\`; every id whose create answered 201 is present; no check row breaks ` +
      `ok ∈ {0,1}, phases ≥ 0 summing to total (±5 µs), error kind and message set exactly when not ok, status ` +
      `100-599 or null, lag ≥ 0, time within the run; no orphan check, dangling last_check_id or foreign-key ` +
      `violation; per-minute rollups (where the table exists) count exactly the raw rows of each minute.`,
    `Resume: every non-paused site present at the kill has a check within ${flags.interval} + ${flags.slack} s of the ` +
      `checker's start (its self-report's startedAt); busiest second in the first interval ≤ 1.5 × steady (sites / ` +
      `interval).`,
    `Seed ${flags.seed}; ${last ? `${num(last.offline.sites)} sites and ${num(last.offline.checks)} checks at the last kill` : ''}.`,
    `noise: ${busy()}.`,
  ];
  const took = `Took ${num((Date.now() - begun) / 1000)} s; run as \`npm run bench:crash -- ${process.argv.slice(2).join(' ')}\`.`;
  writeReport('bench-crash', 'Crash-safety benchmark', machine, rows, notes, took);
  if (clean !== rounds.length) process.exitCode = 1;
}

runMain(main);
