/**
 * Next.js calls register() once when the server starts. The checker runs inside the web server unless
 * UPBEAT_MONITOR=off (then `npm run monitor` can run it as its own process against the same database).
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is a build-time constant here, not configuration: the checker needs Node, never the edge runtime.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First, before any request is handled: the socket's address for route handlers (lib/http/peer.ts).
  const { installPeerHook } = await import('./lib/http/peer');
  installPeerHook();
  const { ConfigError, getConfig } = await import('./lib/config');
  const { DatabaseOpenError } = await import('./db');
  const { getStore } = await import('./lib/store');
  const { bootMonitor } = await import('./lib/monitor/boot');
  const { announceSetup } = await import('./lib/auth/accounts');
  const { applyConfigAtStart } = await import('./lib/config-file/at-start');
  try {
    // Opened here, checker or not, so a bad path or environment stops the start with one clear line instead of
    // a server that answers every request with a 500.
    const store = getStore();
    await announceSetup(store);
    // Before the checker starts, so it starts on the sites the file declares; a bad file stops the start.
    if (!(await applyConfigAtStart(store))) process.exit(1);
    bootMonitor({ ownsSignals: getConfig().ownsSignals });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
      console.error(`upbeat: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
