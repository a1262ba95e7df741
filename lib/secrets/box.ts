import crypto from 'node:crypto';
import type { SecretSealer } from '../../db';

/**
 * Secrets at rest: AES-256-GCM with a random 96-bit nonce per value, written as `v1:<base64(nonce | tag |
 * ciphertext)>`. The version prefix lets a later format sit beside this one; the tag means a wrong key or an
 * edited value fails loudly instead of decrypting to garbage.
 */

const PREFIX = 'v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
/** `v1:` then base64 of at least a nonce and a tag. */
const SEALED = /^v1:[A-Za-z0-9+/]{38,}={0,2}$/;

/** A value could not be opened: the key is not the one it was sealed with, or the value was altered. */
export class SecretKeyError extends Error {}

export class SecretBox implements SecretSealer {
  readonly #key: Buffer;
  /** Where the key came from, for messages: `UPBEAT_SECRET_KEY` or the key file's path. Never the key. */
  readonly source: string;

  constructor(key: Buffer, source: string) {
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`the key from ${source} must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
    this.source = source;
  }

  seal(plain: string): string {
    const nonce = crypto.randomBytes(NONCE_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plain text of a sealed value; throws SecretKeyError (naming the key's source) when it cannot be opened. */
  open(sealed: string): string {
    if (!isSealed(sealed)) throw new SecretKeyError('a stored secret is not in the sealed format');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(
        `stored secrets cannot be decrypted with the key from ${this.source}: it is not the key they were encrypted with`,
      );
    }
  }

  isSealed(value: string): boolean {
    return isSealed(value);
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/** A box with a fresh random key, for a database that lives only in memory. */
export function ephemeralBox(): SecretBox {
  return new SecretBox(crypto.randomBytes(KEY_BYTES), 'a key for this process only (in-memory database)');
}

/**
 * A copy of `config` with each named top-level field that is set sealed (any JSON value: a token, or an object
 * of header values); the rest is kept as is. For JSON columns that mix settings and secrets, such as a channel's
 * config with its `secretFields`.
 */
export function sealFields<T extends object>(box: SecretBox, config: T, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const field of fields) {
    const value = out[field];
    if (value === undefined || value === null) continue;
    out[field] = box.seal(JSON.stringify(value));
  }
  return out;
}

/** The inverse of `sealFields`: each named field that is sealed is opened; throws SecretKeyError on a wrong key. */
export function openFields(box: SecretBox, stored: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const field of fields) {
    const value = out[field];
    if (isSealed(value)) out[field] = JSON.parse(box.open(value)) as unknown;
  }
  return out;
}
