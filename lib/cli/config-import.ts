/**
 * `npm run config -- import-kuma kuma.db|backup.json [--apply] [--out FILE]` and
 * `npm run config -- import-gatus config.yaml [--apply] [--out FILE]`: shows the plan of what the import would
 * create or update and what cannot be carried over; `--apply` applies it in one transaction. `--out` writes the
 * imported configuration as upbeat.yaml (secrets as ${…} references) for keeping in git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getConfig } from '../config';
import { ConfigFileError } from '../config-file/load';
import { formatPlan } from '../config-file/plan';
import { importFile, type ImportFrom } from '../config-file/import/read-source';
import { formatNotCarried } from '../config-file/import/report';
import { applyImport, planImport } from '../config-file/import/run';
import { AppError } from '../errors';
import { openAppStore } from '../store';

export const IMPORT_HELP = `  import-kuma FILE  import Uptime Kuma's kuma.db (read-only) or its JSON backup: show the plan and
                   what cannot be carried over; --apply applies it, --out FILE writes it as upbeat.yaml
  import-gatus FILE  the same for a Gatus config.yaml`;

const VERBS: Record<string, ImportFrom> = { 'import-kuma': 'kuma', 'import-gatus': 'gatus' };

/**
 * Runs an import subcommand; null when `argv` names another command. Output goes to stdout, problems to stderr,
 * and the number returned is the exit code (2: wrong usage, 1: the import failed, nothing applied).
 */
export async function runConfigImport(argv: readonly string[]): Promise<number | null> {
  const [verb, ...rest] = argv;
  const from = verb === undefined ? undefined : VERBS[verb];
  if (from === undefined) return null;
  const usage = (problem: string) => {
    console.error(`config: ${problem}`);
    console.error(`Usage: npm run config -- ${verb} FILE [--apply] [--out upbeat.yaml]`);
    return 2;
  };
  let apply = false;
  let out: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--apply') apply = true;
    else if (a === '--out') {
      out = rest[++i];
      if (out === undefined) return usage('--out needs a file name');
    } else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) return usage(`${verb} needs one FILE`);
  const file = files[0]!;

  try {
    const result = importFile(from, file);
    const config = getConfig();
    const store = openAppStore(config.dbPath, config.secretKey);
    try {
      const name = path.basename(file);
      const planned = apply ? await applyImport(store, result, name) : await planImport(store, result, name);
      console.log(formatPlan(planned.plan));
      process.stdout.write(formatNotCarried(planned.notCarried));
      if (out !== undefined) {
        fs.writeFileSync(out, planned.yaml);
        const names = Object.keys(result.secrets);
        console.log(`Wrote ${out}.${names.length > 0 ? ` It reads these secrets from the environment: ${names.join(', ')}` : ''}`);
      }
      console.log(apply ? `Imported ${file}.` : 'Nothing applied yet: run again with --apply to import.');
      return 0;
    } finally {
      store.close();
    }
  } catch (err) {
    if (err instanceof ConfigFileError) console.error(`${err.message}\nconfig: nothing was imported`);
    else if (err instanceof AppError) console.error(`config: ${err.message}; nothing was imported`);
    else throw err;
    return 1;
  }
}

// Runnable on its own too (`tsx lib/cli/config-import.ts import-kuma kuma.db`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runConfigImport(process.argv.slice(2)).then(
    (code) => process.exit(code ?? 2),
    (err: unknown) => {
      console.error('config: failed:', err);
      process.exit(1);
    },
  );
}
