import { newSecret, secretsEqual } from './secrets';

/**
 * The one-time setup code. Until the owner's account exists, /setup accepts a browser on the server's own
 * machine, or one that brings this code, which only the start log shows (as Jupyter does with its token). It
 * lives in memory: a restart prints a new one.
 */

// Shared through globalThis: instrumentation.ts (which prints it) and the setup route are bundled apart.
const KEY = Symbol.for('upbeat.setupCode');
const slot = globalThis as { [KEY]?: string };

export function setupCode(): string {
  slot[KEY] ??= newSecret();
  return slot[KEY];
}

export function setupCodeMatches(code: string | undefined): boolean {
  return code !== undefined && code !== '' && secretsEqual(code, setupCode());
}

/** The lines `npm start` prints while there is no account yet; `host` is HOST when it names one address. */
export function setupAnnouncement(port: number, host?: string): string {
  const name = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return (
    `upbeat: no account yet. Create the owner's account at http://${name}:${port}/setup?code=${setupCode()}\n` +
    `upbeat: (a browser on this machine, over loopback, needs no code; any other needs this link)`
  );
}
