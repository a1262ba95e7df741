import type { Store } from '../../db';
import { applyPlan, vetPlan, type ApplyLimits } from './apply';
import { ConfigFileError, loadConfigFile, loadConfigText, type EnvLookup, type LoadedConfig } from './load';
import { planConfig, type Plan } from './plan';

/**
 * A file from disk to a plan, every problem found first (the file's own, then the target policy's): the one
 * path the CLI, the start with UPBEAT_CONFIG and the tests take.
 */
export async function planFile(store: Store, file: string, env?: EnvLookup): Promise<Plan> {
  return planLoaded(store, loadConfigFile(file, env));
}

/** As planFile for text that is not on disk (an import made in the browser); `name` is what errors and marks say. */
export async function planText(store: Store, text: string, name: string, env?: EnvLookup): Promise<Plan> {
  return planLoaded(store, loadConfigText(text, name, env));
}

async function planLoaded(store: Store, loaded: LoadedConfig): Promise<Plan> {
  const file = loaded.file;
  const plan = planConfig(store, loaded.desired, file);
  const problems = await vetPlan(plan, loaded);
  if (problems.length > 0) throw new ConfigFileError(problems);
  return plan;
}

/** Plans and applies in one transaction; nothing is written when any problem exists. */
export async function applyFile(store: Store, file: string, options: { env?: EnvLookup; limits?: ApplyLimits } = {}): Promise<Plan> {
  const plan = await planFile(store, file, options.env);
  applyPlan(store, plan, options.limits);
  return plan;
}
