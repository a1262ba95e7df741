/**
 * `npm run bench:alerts`: notifications under a realistic load, printed as ONE table (also written to
 * tests/output/bench-alerts.md).
 *
 * N sites (default 1,000, every 30 s) point at a target in this process: 85 % steady, 10 % flapping (every other
 * request fails), 5 % going down and coming back during the run. Every site is attached to one webhook channel
 * whose receiver also runs here. The checker runs as its own process (`npm run monitor`, which starts the sender).
 *
 *  1. Without alerts (UPBEAT_ALERTS=off): the checker's start lag, the baseline.
 *  2. With alerts: start lag again; time from the confirming check to the message received (p50/p99); messages
 *     about flapping sites (false alerts).
 *  3. Five SIGKILL rounds: the checker is killed at random moments while outages start and end, and restarted;
 *     at the end every recorded message must have arrived (lost) and none twice (duplicated).
 *
 * Every message comes from a real transition: the checker's own confirmation (confirmAfter 2, recoverAfter 1, a
 * re-check 10 s after a first failure) writes the incident and its outbox rows in the transaction of the check
 * that confirmed it, and the sender delivers them. Latency runs from the end of that confirming check.
 *
 *   npm run bench:alerts                                 the full run, about 8 minutes
 *   npm run bench:alerts -- --sites 200 --seconds 40     a short run while developing
 *
 * Flags: --sites N (1000), --interval S (30), --retry S (10, the re-check after a first failure), --seconds S
 * (120, each measured window after one interval of warm-up), --rounds N (5, SIGKILL rounds), --concurrency N
 * (100), --seed N, --keep.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../../db';
import { createChannel } from '../../lib/channels';
import type { NewSiteSettings } from '../../db/domain';
import {
  describeMachine,
  killChild,
  log,
  machineBusyMeter,
  parseFlags,
  runMain,
  sleep,
  startChecker,
  stopChild,
  tempDatabase,
  writeReport,
} from './reliability/common';
import { summarize } from './lib/stats';
import { ms, num, type Row } from './lib/table';
import { openAppStore } from '../../lib/store';

const flags = parseFlags(
  process.argv.slice(2),
  {
    sites: { default: 1000, min: 20, max: 20_000 },
    interval: { default: 30, min: 5, max: 600 },
    retry: { default: 10, min: 1, max: 600 },
    seconds: { default: 120, min: 10, max: 3600 },
    rounds: { default: 5, min: 0, max: 100 },
    concurrency: { default: 100, min: 1, max: 10_000 },
    seed: { default: Date.now() % 1_000_000, min: 0, max: Number.MAX_SAFE_INTEGER },
  },
  ['keep'],
);

const SECRET = 'bench-alerts-signing-secret';
/** The confirmation the flapping sites are measured against: two failures in a row before a site is down. */
const CONFIRM_AFTER = 2;

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
// The sites' target and the webhook receiver, both in this process

type Behaviour = 'steady' | 'flapping' | 'outage';

class Target {
  readonly behaviour = new Map<number, Behaviour>();
  /** Outage sites currently failing. */
  readonly down = new Set<number>();
  private readonly flips = new Map<number, number>();
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const n = Number(/^\/a\/(\d+)/.exec(req.url ?? '')?.[1] ?? NaN);
      let fail = false;
      const kind = this.behaviour.get(n);
      if (kind === 'flapping') {
        // Alternates per check, the fast re-check after a failure included: never two failures in a row.
        const count = (this.flips.get(n) ?? 0) + 1;
        this.flips.set(n, count);
        fail = count % 2 === 0;
      } else if (kind === 'outage') fail = this.down.has(n);
      req.resume();
      res.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(fail ? 'failing\n' : 'ok\n');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Received {
  key: string;
  kind: string;
  siteId: number | null;
  receivedAt: number;
}

class Receiver {
  readonly received: Received[] = [];
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const receivedAt = Date.now();
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const site = body.site as { id?: number } | undefined;
          this.received.push({
            key: String(body.idempotencyKey),
            kind: String(body.kind),
            siteId: site?.id ?? null,
            receivedAt,
          });
        } catch {
          // counted by nothing: a body that is not JSON would show up as a lost message
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One scenario: a fresh database, the sites, a channel, the checker, outages on a schedule

interface Scenario {
  alerts: boolean;
  kills: number;
  label: string;
}

interface Outcome {
  lagMs: number[];
  latencies: number[];
  falseAlerts: number;
  /** Checks of flapping sites in the window, and how many of them failed. */
  flappingChecks: number;
  flappingFailures: number;
  /** Incidents opened on flapping sites (the states must hold, not only the messages). */
  flappingIncidents: number;
  recorded: number;
  lost: number;
  duplicated: number;
  received: number;
  kills: number;
}

async function runScenario(s: Scenario, rnd: () => number): Promise<Outcome> {
  const db = tempDatabase('upbeat-bench-alerts-');
  const target = new Target();
  const receiver = new Receiver();
  await target.start();
  await receiver.start();
  const store = openAppStore(db.file);
  // Through the channel verbs, as the API does: its url and secret sealed at rest, opened by the sender.
  const channel = await createChannel(
    store,
    { name: 'bench', type: 'webhook', config: { url: `http://127.0.0.1:${receiver.port}/hook`, secret: SECRET }, isDefault: true },
    { policy: { blockPrivate: false } },
  );
  const channelId = channel.id;
  const siteIds = store.db.transaction(() => {
    const ids: number[] = [];
    for (let n = 0; n < flags.sites; n++) {
      const site: NewSiteSettings = {
        name: `site ${n}`,
        url: `http://127.0.0.1:${target.port}/a/${n}`,
        method: 'GET',
        intervalSeconds: flags.interval,
        timeoutMs: 5_000,
        expectedStatus: '200-399',
        followRedirects: false,
        headers: {},
        paused: false,
        confirmAfter: CONFIRM_AFTER,
        recoverAfter: 1,
        retryIntervalSeconds: Math.min(flags.retry, flags.interval),
        degradedAboveMs: null,
        remindEveryMinutes: null,
      };
      const id = store.createSite(site).id;
      ids.push(id);
      const r = n % 20;
      target.behaviour.set(n, r < 2 ? 'flapping' : r === 2 ? 'outage' : 'steady');
    }
    store.setSitesOfChannel(channelId, ids);
    return ids;
  })();
  const outageSites = [...target.behaviour].filter(([, b]) => b === 'outage').map(([n]) => n);
  const flappingIds = new Set([...target.behaviour].filter(([, b]) => b === 'flapping').map(([n]) => siteIds[n]!));

  const env = {
    UPBEAT_ALERTS: s.alerts ? 'on' : 'off',
    UPBEAT_CONCURRENCY: String(flags.concurrency),
    UPBEAT_SYNC_MS: '250',
  };
  let checker = await startChecker(db.file, env);
  log(`${s.label}: ${flags.sites} sites, warming up for one interval (${flags.interval} s)`);
  await sleep(flags.interval * 1000);
  const windowStart = Date.now();
  const windowMs = flags.seconds * 1000;

  // Each outage site goes down at a random moment in the first half of the window, and back 1-2 intervals later.
  const timers: NodeJS.Timeout[] = [];
  for (const n of outageSites) {
    const downAt = rnd() * windowMs * 0.5;
    const upAt = downAt + (1 + rnd()) * flags.interval * 1000;
    timers.push(
      setTimeout(() => target.down.add(n), downAt),
      setTimeout(() => target.down.delete(n), Math.min(upAt, windowMs * 0.9)),
    );
  }

  // SIGKILL rounds at random moments spread over the window, each followed by a restart.
  let kills = 0;
  for (let k = 0; k < s.kills; k++) {
    const slot = windowMs / s.kills;
    const wait = windowStart + k * slot + rnd() * slot * 0.8 - Date.now();
    await sleep(wait);
    await killChild(checker);
    kills += 1;
    checker = await startChecker(db.file, env);
  }
  await sleep(windowStart + windowMs - Date.now());
  const windowEnd = Date.now();
  for (const t of timers) clearTimeout(t);

  // Let what was recorded be delivered before counting what is lost.
  if (s.alerts) {
    const deadline = Date.now() + 60_000;
    while (store.outboxCounts().pending > 0 && Date.now() < deadline) await sleep(250);
  }
  await stopChild(checker);

  const lagMs = (
    store.db
      .prepare(`SELECT lag_ms FROM checks WHERE checked_at BETWEEN ? AND ?`)
      .all(windowStart, windowEnd) as Array<{ lag_ms: number }>
  ).map((r) => r.lag_ms);
  const outcome = tally(store, receiver, flappingIds, lagMs, kills, [windowStart, windowEnd]);
  store.close();
  await target.close();
  await receiver.close();
  db.remove(flags.has('keep'));
  return outcome;
}

function tally(
  store: Store,
  receiver: Receiver,
  flapping: ReadonlySet<number>,
  lagMs: number[],
  kills: number,
  [from, to]: [number, number],
): Outcome {
  const rows = store.listOutbox().filter((r) => r.kind === 'down' || r.kind === 'up');
  const byKey = new Map<string, number>();
  for (const r of receiver.received) byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1);
  const carried = new Set(store.listOutbox().filter((r) => r.status === 'grouped').map((r) => r.idempotencyKey));
  const lost = rows.filter((r) => !byKey.has(r.idempotencyKey) && !carried.has(r.idempotencyKey)).length;
  const duplicated = [...byKey.values()].filter((n) => n > 1).length;
  const startOf = confirmingCheckEnd(store);
  const latencies = receiver.received
    .filter((r) => r.kind === 'down' || r.kind === 'up')
    // The first copy of each key, from the confirming check's end (or the row's write) to its arrival.
    .filter((r, i, all) => all.findIndex((x) => x.key === r.key) === i)
    .map((r) => r.receivedAt - (startOf.get(r.key) ?? NaN))
    .filter((v) => Number.isFinite(v));
  const falseAlerts = receiver.received.filter((r) => r.kind === 'down' && r.siteId !== null && flapping.has(r.siteId)).length;
  const ids = [...flapping].join(',');
  const flappingRows = store.db
    .prepare(`SELECT count(*) AS checks, coalesce(sum(ok = 0), 0) AS failures FROM checks WHERE checked_at BETWEEN ? AND ? AND site_id IN (${ids})`)
    .get(from, to) as { checks: number; failures: number };
  const flappingIncidents = store.db.prepare(`SELECT count(*) AS n FROM incidents WHERE site_id IN (${ids})`).get() as { n: number };
  return {
    lagMs,
    latencies,
    falseAlerts,
    flappingChecks: flappingRows.checks,
    flappingFailures: flappingRows.failures,
    flappingIncidents: flappingIncidents.n,
    recorded: rows.length,
    lost,
    duplicated,
    received: receiver.received.length,
    kills,
  };
}

/**
 * When each message's cause happened, in ms (the message's own `at` is whole seconds): the end of the check that
 * confirmed the transition (incident confirmed or resolved at, plus that check's time), else the row's write.
 */
function confirmingCheckEnd(store: Store): Map<string, number> {
  const rows = store.db
    .prepare(
      `SELECT o.idempotency_key AS key, o.created_at AS created,
         CASE o.kind WHEN 'down' THEN i.confirmed_at WHEN 'up' THEN i.resolved_at END AS at,
         (SELECT c.total_us FROM checks c WHERE c.site_id = o.site_id AND c.checked_at =
            CASE o.kind WHEN 'down' THEN i.confirmed_at ELSE i.resolved_at END LIMIT 1) AS total_us
       FROM outbox o LEFT JOIN incidents i ON i.id = o.incident_id
       WHERE o.kind IN ('down', 'up')`,
    )
    .all() as Array<{ key: string; created: number; at: number | null; total_us: number | null }>;
  return new Map(rows.map((r) => [r.key, r.at === null ? r.created : r.at + (r.total_us ?? 0) / 1000]));
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const machine = describeMachine();
  const busy = machineBusyMeter();
  const began = Date.now();
  const rnd = random(flags.seed);
  const baseline = await runScenario({ alerts: false, kills: 0, label: 'without alerts' }, rnd);
  const alerts = await runScenario({ alerts: true, kills: 0, label: 'with alerts' }, rnd);
  const crash = flags.rounds > 0 ? await runScenario({ alerts: true, kills: flags.rounds, label: 'SIGKILL rounds' }, rnd) : null;

  const lat = summarize(alerts.latencies);
  const lag0 = summarize(baseline.lagMs);
  const lag1 = summarize(alerts.lagMs);
  const lagRatio = lag1.p99 / Math.max(1, lag0.p99);
  const from = 'confirming check';
  const rows: Row[] = [
    {
      measure: `Message latency p50 (${from} → received)`,
      result: ms(lat.p50),
      target: '—',
      ratio: `${num(lat.count)} messages`,
      met: '—',
    },
    {
      measure: `Message latency p99 (${from} → received)`,
      result: ms(lat.p99),
      target: '≤ 1,000 ms',
      ratio: `max ${ms(lat.max)}`,
      met: lat.count > 0 && lat.p99 <= 1000 ? 'yes' : 'no',
    },
    {
      measure: `False alerts from flapping sites (confirmAfter ${CONFIRM_AFTER})`,
      result: num(alerts.falseAlerts),
      target: '0',
      ratio:
        `${num(Math.round(flags.sites / 10))} flapping sites: ${num(alerts.flappingChecks)} checks, ` +
        `${num(alerts.flappingFailures)} failed; ${num(alerts.flappingIncidents)} incidents`,
      met: alerts.falseAlerts === 0 && alerts.flappingIncidents === 0 && alerts.flappingFailures > 0 ? 'yes' : 'no',
    },
    crash === null
      ? { measure: 'Messages lost / duplicated over SIGKILL rounds', result: 'skipped', target: '0 / 0', ratio: '—', met: '—' }
      : {
          measure: `Messages lost / duplicated over ${crash.kills} SIGKILL rounds`,
          result: `${num(crash.lost)} / ${num(crash.duplicated)}`,
          target: '0 / 0',
          ratio: `${num(crash.recorded)} recorded, ${num(crash.received)} received`,
          met: crash.lost === 0 && crash.duplicated === 0 && crash.recorded > 0 ? 'yes' : 'no',
        },
    {
      measure: 'Checker start lag p99, without alerts',
      result: ms(lag0.p99),
      target: '—',
      ratio: `${num(lag0.count)} checks`,
      met: '—',
    },
    {
      measure: 'Checker start lag p99, with alerts',
      result: ms(lag1.p99),
      target: '≤ 1.2× without',
      ratio: `${num(lagRatio, 2)}×`,
      met: lagRatio <= 1.2 || lag1.p99 - lag0.p99 <= 2 ? 'yes' : 'no',
    },
  ];
  const notes = [
    `${num(flags.sites)} sites every ${flags.interval} s (10 % flapping, 5 % down and back once), one webhook channel on ` +
      `127.0.0.1; windows of ${flags.seconds} s after one interval of warm-up; checker concurrency ${flags.concurrency}; seed ${flags.seed}.`,
    `Confirmation as the checker does it: confirmAfter ${CONFIRM_AFTER}, recoverAfter 1, a re-check ${Math.min(flags.retry, flags.interval)} s ` +
      'after a first failure; flapping targets alternate pass/fail per check. Latency is from the end of the confirming ' +
      'check (the incident\'s confirmed or resolved time plus that check\'s duration) to arrival at the receiver.',
    'Lost: a recorded down/up row never received (grouped rows count as carried). Duplicated: a key received twice.',
    'Start lag within 2 ms of the baseline counts as met: at these figures the ratio measures timer noise.',
    busy(),
  ];
  writeReport('bench-alerts', 'Alerts benchmark', machine, rows, notes, `Took ${num((Date.now() - began) / 1000)} s.`);
}

runMain(main);
