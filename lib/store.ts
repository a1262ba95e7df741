import { DatabaseOpenError, openStore, type Store } from '../db';
import { getConfig } from './config';
import { nextSiteState } from './monitor/state';
import type { SecretBox } from './secrets/box';
import { loadSecretBox } from './secrets/key';
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
    const { dbPath, secretKey } = getConfig();
    store = openAppStore(dbPath, secretKey);
    holder[KEY] = store;
  }
  return store;
}

/**
 * Opens the database at `file` as the app does: the site state machine, alerts worded for the outbox, and secrets sealed with `secretKey`
 * (UPBEAT_SECRET_KEY) or, without one, the key file beside the database. Every process of the app, and every
 * test that shares a database with one, opens through here so they all hold the same key.
 */
export function openAppStore(file: string, secretKey?: Buffer): Store {
  let box: SecretBox | undefined;
  const store = openStore(file, {
    decideState: nextSiteState,
    secrets: () => (box = openSecretBox(file, secretKey)),
    describeAlert: (alert, key) => describeTransition(alert, key, getConfig().publicUrl ?? null),
  });
  boxes.set(store, box!);
  return store;
}

/**
 * Each store's box, on globalThis for the reason the store is: a store opened by one of Next.js's module graphs
 * (instrumentation) is used by another (route handlers), which would see an empty map of its own.
 */
const BOXES = Symbol.for('upbeat.secret-boxes');
type BoxHolder = { [BOXES]?: WeakMap<Store, SecretBox> };
const boxes = ((globalThis as BoxHolder)[BOXES] ??= new WeakMap<Store, SecretBox>());

/**
 * The box `store` seals its secrets with, for lib/ code that keeps secrets inside its own JSON (a channel's
 * config): `sealFields(secretBoxOf(store), config, channel.secretFields)` before writing, `openFields` after
 * reading.
 */
export function secretBoxOf(store: Store): SecretBox {
  const box = boxes.get(store);
  if (!box) throw new Error('this store was not opened through openAppStore');
  return box;
}

/** The key's box, or the one-line start failure that names what is wrong with the key file. */
function openSecretBox(dbPath: string, secretKey: Buffer | undefined) {
  try {
    return loadSecretBox(dbPath, secretKey);
  } catch (err) {
    throw new DatabaseOpenError(`Cannot load the key for secrets at rest: ${(err as Error).message}`);
  }
}
