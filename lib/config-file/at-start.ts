import type { Store } from '../../db';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { ConfigFileError } from './load';
import { formatPlan } from './plan';
import { applyFile } from './run';

/**
 * UPBEAT_CONFIG: the file applied at every start, before the checker starts. False when it cannot be applied
 * (its problems printed, one line each, nothing written): the start stops rather than run on a half-meant setup.
 */
export async function applyConfigAtStart(store: Store): Promise<boolean> {
  const file = getConfig().configFile;
  if (file === undefined) return true;
  try {
    const plan = await applyFile(store, file);
    const summary = formatPlan(plan).split('\n');
    console.log(`upbeat: applied ${file}: ${summary.at(-1)}`);
    return true;
  } catch (err) {
    if (!(err instanceof ConfigFileError || err instanceof AppError)) throw err;
    console.error(`upbeat: cannot apply UPBEAT_CONFIG=${file}; nothing was applied:`);
    console.error(err.message);
    return false;
  }
}
