import { openStore, type Store } from '../db';
import { getConfig } from './config';
import { nextSiteState } from './monitor/state';
import { describeTransition } from './alerts/transition-event';

/**
 * The process's one store. Kept on globalThis because Next.js bundles instrumentation and route handlers as
 * separate module graphs; a module-level variable would open the file once per graph.
 */
const KEY = Symbol.for('upbeat.store');
type Holder = { [KEY]?: Store };

export function getStore(): Store {
  const holder = globalThis as Holder;
  let store = holder[KEY];
  if (!store || !store.db.open) {
    const config = getConfig();
    store = openStore(config.dbPath, {
      decideState: nextSiteState,
      describeAlert: (alert, key) => describeTransition(alert, key, config.publicUrl ?? null),
    });
    holder[KEY] = store;
  }
  return store;
}
