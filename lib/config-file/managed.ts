import type { MarkedKind, Store } from '../../db';
import { AppError } from '../errors';

/**
 * Objects a configuration file declares are changed through the file: an edit in the UI or the API would be
 * undone by the next apply, so it is refused (409) with the file's name instead.
 */

const WORDS: Record<MarkedKind, string> = { site: 'site', channel: 'channel', statusPage: 'status page' };

export function assertNotManaged(store: Store, kind: MarkedKind, id: number): void {
  const file = store.managedBy(kind, id);
  if (file === null) return;
  throw new AppError('conflict', `This ${WORDS[kind]} is managed by ${file}: edit the file and apply it (npm run config -- apply ${file})`);
}
