/**
 * `npm run config -- plan|apply FILE` and `npm run config -- export [--with-secrets]`: Upbeat's sites, channels
 * and status pages as a file (README, "Configuration as code"). See `--help`.
 */
import { ConfigError, getConfig } from '../config';
import { ConfigFileError } from '../config-file/load';
import { exportConfig } from '../config-file/export';
import { configJsonSchemaText } from '../config-file/json-schema';
import { formatPlan } from '../config-file/plan';
import { applyFile, planFile } from '../config-file/run';
import { IMPORT_HELP, runConfigImport } from './config-import';
import { AppError } from '../errors';
import { openAppStore } from '../store';

const HELP = `Usage: npm run config -- plan FILE
       npm run config -- apply FILE
       npm run config -- export [--with-secrets] > FILE
       npm run config -- schema > public/upbeat-config.schema.json
       npm run config -- import-kuma FILE | import-gatus FILE [--apply] [--out upbeat.yaml]

Works on the database UPBEAT_DB (now %DB%); Upbeat may keep running.

  plan FILE        show what applying FILE would create, update (field: old → new) and delete
  apply FILE       apply FILE in one transaction (all or nothing) and show what changed
  export           write the whole configuration to stdout in the same format; secrets as \${UPBEAT_…}
  --with-secrets   export secrets in clear (a warning on stderr)
  schema           the file's JSON Schema, for editors
%IMPORT%
  --help           this text

Objects from FILE are marked as managed by it (read-only in the UI). Objects made in the UI are left alone
unless FILE says prune: true.`;

const USAGE = 'Usage: npm run config -- plan|apply FILE | export [--with-secrets] | import-kuma|import-gatus FILE   (--help for more)';

async function main(argv: readonly string[]): Promise<number> {
  const config = getConfig();
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.replace('%DB%', config.dbPath).replace('%IMPORT%', IMPORT_HELP));
    return 0;
  }
  // Imports from other monitors are their own subcommands (lib/cli/config-import.ts).
  const imported = await runConfigImport(argv);
  if (imported !== null) return imported;
  const [verb, ...rest] = argv;
  const options = rest.filter((a) => a.startsWith('-'));
  const files = rest.filter((a) => !a.startsWith('-'));
  const allowed = verb === 'export' ? ['--with-secrets'] : [];
  const unknown = options.find((o) => !allowed.includes(o));
  const usage = (problem: string) => {
    console.error(`config: ${problem}`);
    console.error(USAGE);
    return 2;
  };
  if (verb === 'schema' && rest.length === 0) {
    process.stdout.write(configJsonSchemaText());
    return 0;
  }
  if (verb !== 'plan' && verb !== 'apply' && verb !== 'export') return usage(verb === undefined ? 'say plan, apply, export, import-kuma or import-gatus' : `unknown command ${verb}`);
  if (unknown !== undefined) return usage(`unknown option ${unknown}`);
  if (verb === 'export' ? files.length > 0 : files.length !== 1) {
    return usage(verb === 'export' ? 'export writes to stdout: npm run config -- export > upbeat.yaml' : `${verb} needs one FILE`);
  }

  const store = openAppStore(config.dbPath, config.secretKey);
  try {
    if (verb === 'export') {
      const result = exportConfig(store, { withSecrets: options.includes('--with-secrets') });
      if (result.warning !== null) console.error(`config: warning: ${result.warning}`);
      process.stdout.write(result.yaml);
      return 0;
    }
    const file = files[0]!;
    const plan = verb === 'plan' ? await planFile(store, file) : await applyFile(store, file);
    console.log(formatPlan(plan));
    if (verb === 'apply' && plan.changes.length > 0) console.log(`Applied ${file}.`);
    return 0;
  } finally {
    store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigFileError) {
      console.error(err.message);
      console.error('config: nothing was applied');
    } else if (err instanceof ConfigError || err instanceof AppError) {
      console.error(`config: failed: ${err.message}`);
    } else {
      console.error('config: failed:', err);
    }
    process.exit(1);
  },
);
