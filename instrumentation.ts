/**
 * Next.js calls register() once when the server starts. The checker runs inside the web server unless
 * UPBEAT_MONITOR=off (then `npm run monitor` can run it as its own process against the same database).
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is a build-time constant here, not configuration: the checker needs Node, never the edge runtime.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getConfig } = await import('./lib/config');
  const { bootMonitor } = await import('./lib/monitor/boot');
  bootMonitor({ ownsSignals: getConfig().ownsSignals });
}
