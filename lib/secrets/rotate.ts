import fs from 'node:fs';
import { resealSecrets } from '../../db';
import { holdExclusively } from '../../db/backup';
import { openAppStore } from '../store';
import { SecretBox } from './box';
import { sealClearChannelSecrets } from './channel-config';
import { encodeKey, keyFileFor, loadSecretBox, newKey, writeKeyFile } from './key';

export class RotateKeyError extends Error {}

export interface RotateOutcome {
  /** Secrets re-encrypted. */
  values: number;
  /** The key file now holding the new key; null when the key is UPBEAT_SECRET_KEY's to replace. */
  keyFile: string | null;
  /** The new key (base64) when it came from UPBEAT_SECRET_KEY: the caller shows it once, to put in its place. */
  printedKey: string | null;
}

/**
 * Re-encrypts every secret in the database at `dbPath` with a new random key, in one transaction, with Upbeat
 * stopped. With a key file, the new key is written beside it first (`<key>.next`), the database committed, then
 * the file renamed over the old one: whatever moment a crash comes, one of the two files opens the database.
 * With UPBEAT_SECRET_KEY (`envKey`), the new key is returned for the caller to print.
 */
export function rotateSecretKey(dbPath: string, envKey: Buffer | undefined, key: Buffer = newKey()): RotateOutcome {
  if (dbPath === ':memory:') throw new RotateKeyError('UPBEAT_DB is :memory:, there is no stored secret to rotate');
  if (!fs.existsSync(dbPath)) throw new RotateKeyError(`there is no database at ${dbPath}`);
  const hold = holdExclusively(dbPath);
  if (hold === 'busy') throw new RotateKeyError(`${dbPath} is open in another process: stop the web server and the checker first`);
  hold.release();

  const from = loadSecretBox(dbPath, envKey);
  const to = new SecretBox(key, envKey ? 'the new key' : `the new key file ${keyFileFor(dbPath)}`);
  // Opening with the current key proves it right and seals any value still in clear before the move.
  const store = openAppStore(dbPath, envKey);
  // Channel secrets still in clear are sealed with the current key first, in the same transaction as the move,
  // so they move with the rest and a failure leaves every row as it was.
  const move = () =>
    store.db.transaction(() => {
      sealClearChannelSecrets(store);
      return resealSecrets(store.db, from, to);
    }).immediate();
  try {
    if (envKey) {
      const { values } = move();
      return { values, keyFile: null, printedKey: encodeKey(key) };
    }
    const keyFile = keyFileFor(dbPath);
    const next = `${keyFile}.next`;
    fs.rmSync(next, { force: true });
    writeKeyFile(next, key);
    let values: number;
    try {
      ({ values } = move());
    } catch (err) {
      fs.rmSync(next, { force: true });
      throw err;
    }
    fs.renameSync(next, keyFile);
    return { values, keyFile, printedKey: null };
  } finally {
    store.close();
  }
}
