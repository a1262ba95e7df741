import fs from 'node:fs';
import { AppError } from '../../errors';
import { importGatus } from './gatus';
import { importKumaDb } from './kuma-db';
import { importKumaBackup } from './kuma-json';
import type { ImportResult } from './report';

export const IMPORT_SOURCES = ['kuma', 'gatus'] as const;
export type ImportFrom = (typeof IMPORT_SOURCES)[number];

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Whether the bytes at the start of a file are an SQLite database's header. */
export function isSqlite(head: Buffer): boolean {
  return head.subarray(0, SQLITE_MAGIC.length).toString('latin1') === SQLITE_MAGIC;
}

/** Reads a Kuma database or backup (told apart by content, not name) or a Gatus config from a file on disk. */
export function importFile(from: ImportFrom, file: string): ImportResult {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(16);
      fs.readSync(fd, head, 0, 16, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new AppError('validation', `${file} cannot be read: ${why}`, { file: `cannot be read: ${why}` });
  }
  if (from === 'kuma') return isSqlite(head) ? importKumaDb(file) : importKumaBackup(fs.readFileSync(file, 'utf8'));
  return importGatus(fs.readFileSync(file, 'utf8'));
}
