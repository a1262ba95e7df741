import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ephemeralBox, KEY_BYTES, SecretBox, SecretKeyError } from './box';

/**
 * Where the key for secrets at rest comes from: UPBEAT_SECRET_KEY when set, otherwise a key file beside the
 * database (`<database>.key`), created with mode 0600 on first start. Backups copy the database only, so a
 * copied database or backup without this key gives out no secret.
 */

/** The key file that belongs to a database file. */
export function keyFileFor(dbPath: string): string {
  return `${dbPath}.key`;
}

/** A key written as 64 hex digits or as base64 of 32 bytes; null when it is neither. */
export function parseKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  return null;
}

export function encodeKey(key: Buffer): string {
  return key.toString('base64');
}

export function newKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

/**
 * The box for the database at `dbPath`. With `envKey` (UPBEAT_SECRET_KEY, already parsed) the file is neither
 * read nor made. Otherwise the key file is read, or created when missing: exclusively, so the web server and a
 * checker started at once agree on one key.
 */
export function loadSecretBox(dbPath: string, envKey: Buffer | undefined): SecretBox {
  if (envKey) return new SecretBox(envKey, 'UPBEAT_SECRET_KEY');
  if (dbPath === ':memory:') return ephemeralBox();
  const file = keyFileFor(dbPath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${encodeKey(newKey())}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = parseKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new SecretKeyError(`the key file ${file} does not hold a key (base64 or hex of ${KEY_BYTES} bytes)`);
  return new SecretBox(key, `the key file ${file}`);
}

/** Replaces the key file with `key`: written beside it with mode 0600 and renamed over it, so it is never half a key. */
export function writeKeyFile(file: string, key: Buffer): void {
  const temp = `${file}.new-${process.pid}`;
  fs.writeFileSync(temp, `${encodeKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  const fd = fs.openSync(temp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
