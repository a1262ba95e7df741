import type { Store } from '../../db';
import { getConfig } from '../config';
import { getStore } from '../store';
import { onStopSignals } from '../stop-signals';
import { yieldToCheckerThread } from './thread-priority';
import { startSender, type Sender } from '../alerts/sender';
import { startMonitor, type Monitor } from './monitor';

const KEY = Symbol.for('upbeat.monitor');
type Holder = { [KEY]?: Monitor };

/**
 * The running checker of this process, if any. GET /api/health does not ask it: it reads the self-report from the
 * database, which is the same whether the checker runs here or in its own process.
 */
export function currentMonitor(): Monitor | undefined {
  return (globalThis as Holder)[KEY];
}

/**
 * Starts the checker once per process, whether inside the web server (instrumentation.ts) or on its own
 * (`npm run monitor`): the same code path in both modes. `ownsSignals` decides who handles SIGTERM/SIGINT.
 */
export function bootMonitor(options: { ownsSignals: boolean; log?: (line: string) => void }): Monitor | undefined {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const config = getConfig();
  const log = options.log ?? ((line: string) => console.log(line));
  if (!config.monitorEnabled) {
    log('[upbeat] checker off (UPBEAT_MONITOR=off): serving the UI and API only');
    // Nothing to wait for, but a stop asked of us is still a clean one.
    if (options.ownsSignals) {
      const exit = (signal: NodeJS.Signals) => {
        log(`[upbeat] ${signal}: stopping`);
        process.exit(0);
      };
      process.once('SIGTERM', exit);
      process.once('SIGINT', exit);
    }
    return undefined;
  }
  const store = getStore();
  const monitor = startMonitor({
    store,
    concurrency: config.concurrency,
    syncMs: config.syncMs,
    // The same policy as at add time, applied to the address each check actually connects to.
    addressPolicy: { blockPrivate: config.blockPrivate },
    thread: config.checkerThread,
  });
  holder[KEY] = monitor;
  // Notifications go out where the checker runs, on their own timers (see lib/alerts/sender.ts).
  const sender = config.alertsEnabled
    ? startSender({ store, publicUrl: config.publicUrl, certWarnDays: config.certWarnDays, log })
    : null;
  // Said once the checker runs (its thread has loaded): whoever waits for this line may expect checks.
  void monitor.ready().then(() => {
    log(
      `[upbeat] checker running${config.checkerThread ? ' on its own thread' : ''}: ${store.countSites()} sites, ` +
        `up to ${config.concurrency} checks in flight, database ${store.file}`,
    );
    // Only now: the checker thread exists, so it keeps the priority it was created with (thread-priority.ts).
    if (config.checkerThread) {
      void yieldToCheckerThread(config.mainNice, monitor.checkerThreadId()).then((lowered) => {
        if (!lowered.applied && lowered.reason !== 'off') log(`[upbeat] main thread priority left as it was: ${lowered.reason}`);
      });
    }
  });
  installShutdown(monitor, sender, store, options.ownsSignals, log);
  return monitor;
}

function installShutdown(
  monitor: Monitor,
  sender: Sender | null,
  store: Store,
  ownsSignals: boolean,
  log: (line: string) => void,
) {
  // Whoever ends the process, results already taken are written: exit handlers may do synchronous work, and
  // better-sqlite3 is synchronous.
  process.once('exit', () => {
    monitor.flushNow();
    store.close();
  });
  if (!ownsSignals) return;
  onStopSignals({
    stop(signal) {
      const { inFlight } = monitor.stats().scheduler;
      log(`[upbeat] ${signal}: stopping, waiting for ${inFlight} checks in flight`);
      Promise.all([monitor.stop(), sender?.stop()]).then(
        () => {
          store.close();
          process.exit(0);
        },
        (err: unknown) => {
          console.error('[upbeat] error while stopping', err);
          process.exit(1);
        },
      );
    },
    force(signal) {
      log(`[upbeat] ${signal} again: exiting without waiting`);
      process.exit(1);
    },
  });
}
