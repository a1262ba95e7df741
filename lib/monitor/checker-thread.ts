import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NewCheck, Site } from '../../db/domain';
import type { CheckerStart, FromChecker, LoopFigures, ToChecker } from './checker-protocol';
import type { SchedulerStats } from './scheduler';

/** Restarts allowed within RESTART_WINDOW_MS before the checker is declared dead. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

export interface CheckerThreadOptions {
  start: CheckerStart;
  /** Finished checks, as the worker posts them. */
  onResults(checks: NewCheck[]): void;
  /** The worker crashed more than MAX_RESTARTS times in a minute: nothing is checked any more. */
  onDead(reason: string): void;
  /** The worker's entry module; default checker-entry.mjs in the project (tests give a stand-in that crashes). */
  entryPath?: string;
}

/**
 * Where the worker's entry lives. The Next.js server bundle cannot resolve a path relative to this module (it is
 * compiled elsewhere), so it is found from the project root, the folder every start command runs in.
 */
export function checkerEntryPath(root = process.cwd()): string {
  return path.join(root, 'lib', 'monitor', 'checker-entry.mjs');
}

const LOADER = "const { workerData } = require('node:worker_threads'); import(workerData.entry);";

const EMPTY_STATS: SchedulerStats = {
  sites: 0, inFlight: 0, bound: 0, ceiling: 0, queued: 0, started: 0, skippedOverlap: 0, coalesced: 0, retries: 0,
  lagP50Ms: 0, lagP99Ms: 0, lagMaxMs: 0,
};

/**
 * What the worker was last sent of a site, as a digest of its JSON: the JSON itself, kept for 30,000 sites, was a
 * third of the main thread's live heap (21 of 67 MB).
 */
function fingerprint(site: Site): string {
  return createHash('sha256').update(JSON.stringify(site)).digest('base64');
}

/**
 * The main thread's side of the checker: starts the worker (checker-worker.ts) and speaks to it in messages
 * (checker-protocol.ts) — sites in, results and figures out. A worker that dies unasked is restarted with the last
 * list of sites (the schedule is a pure function of the sites and the clock, so nothing else is lost but the
 * checks that were in flight); one that keeps dying is reported dead.
 */
export class CheckerThread {
  private worker: Worker | null = null;
  private sites: Site[] = [];
  /** Each site as the worker last received it (fingerprint), to send only what changed. */
  private sent = new Map<number, string>();
  private synced = false;
  private latest: SchedulerStats;
  private loop: LoopFigures | null = null;
  private restarts: number[] = [];
  private stopping: Promise<void> | null = null;
  private dead = false;
  /** Settles when the current worker says it has stopped (or exits). */
  private stopped: (() => void) | null = null;
  private markReady: () => void = () => {};
  private tid: number | null = null;
  /** Settles once the first worker has loaded and scheduled its first list of sites (or the checker is dead). */
  readonly ready: Promise<void> = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly options: CheckerThreadOptions) {
    this.latest = { ...EMPTY_STATS, ceiling: options.start.concurrency };
    this.spawn();
  }

  /**
   * Sends what changed in the list of probed sites (call it when the sites revision changes). The comparison is
   * made here, on the main thread, so the checker's loop only ever reads the sites that changed.
   */
  sync(sites: Site[]): void {
    this.sites = sites;
    const upserts: Site[] = [];
    const seen = new Set<number>();
    for (const site of sites) {
      seen.add(site.id);
      const sent = fingerprint(site);
      if (this.sent.get(site.id) === sent) continue;
      this.sent.set(site.id, sent);
      upserts.push(site);
    }
    const removed = [...this.sent.keys()].filter((id) => !seen.has(id));
    for (const id of removed) this.sent.delete(id);
    // The first list is always sent, even an empty one: the worker starts scheduling (and says ready) on it.
    if (upserts.length > 0 || removed.length > 0 || !this.synced) this.send({ type: 'sites', upserts, removed, full: false });
    this.synced = true;
  }

  /** The scheduler's figures as the worker last posted them (every `statsEveryMs`). */
  stats(): SchedulerStats {
    return this.latest;
  }

  /** How late the worker's own event loop ran, from its last figures; null before the first. */
  loopFigures(): LoopFigures | null {
    return this.loop;
  }

  /** The worker's thread id in the operating system, once it is ready (Linux; null elsewhere). */
  get osThreadId(): number | null {
    return this.tid;
  }

  /** Asks the worker to stop scheduling, waits for its checks in flight and their results, then ends it. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      await new Promise<void>((resolve) => {
        this.stopped = resolve;
        this.send({ type: 'stop' });
      });
      await worker.terminate();
      this.worker = null;
    })();
    return this.stopping;
  }

  private send(msg: ToChecker): void {
    this.worker?.postMessage(msg);
  }

  private spawn(): void {
    // A two-line script that imports the entry named in workerData, rather than the entry's path: the Next.js
    // bundler follows a path given to `new Worker` and tries to bundle the entry (and tsx, esbuild) into the server.
    const worker = new Worker(LOADER, {
      eval: true,
      workerData: {
        role: 'upbeat-checker',
        entry: pathToFileURL(this.options.entryPath ?? checkerEntryPath()).href,
        start: this.options.start,
      },
      // The worker's own figures (self-report) are taken on the main thread; it needs no stdin.
      stdin: false,
    });
    this.worker = worker;
    worker.on('message', (msg: FromChecker) => {
      switch (msg.type) {
        case 'results':
          this.options.onResults(msg.checks);
          break;
        case 'stats':
          this.latest = msg.scheduler;
          this.loop = msg.loop;
          break;
        case 'load':
          this.latest = { ...this.latest, inFlight: msg.inFlight, queued: msg.queued, bound: msg.bound };
          break;
        case 'stopped':
          this.stopped?.();
          break;
        case 'ready':
          this.tid = msg.tid;
          this.markReady();
          break;
      }
    });
    worker.on('error', (err) => {
      console.error('[checker] the checker thread failed:', err);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      if (this.stopping) {
        this.stopped?.(); // ended while stopping: nothing more will come
        return;
      }
      this.restartAfterCrash(code);
    });
    // A new worker (a restart) gets the whole list.
    if (this.synced) this.send({ type: 'sites', upserts: this.sites, removed: [], full: true });
  }

  private restartAfterCrash(code: number): void {
    if (this.dead) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      this.dead = true;
      this.markReady();
      const reason = `the checker thread exited (code ${code}) ${MAX_RESTARTS + 1} times within a minute; checking stopped`;
      console.error(`[checker] ${reason}`);
      this.options.onDead(reason);
      return;
    }
    this.restarts.push(now);
    console.error(`[checker] the checker thread exited unexpectedly (code ${code}); restarting it`);
    this.spawn();
  }
}

/** True when the worker's entry can be found (it is part of the source tree, beside this file). */
export function hasCheckerEntry(root?: string): boolean {
  return fs.existsSync(checkerEntryPath(root));
}
