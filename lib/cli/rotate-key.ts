/**
 * `npm run rotate-key`: re-encrypts every stored secret (site header values, channel secrets) with a new key.
 * See `--help`.
 */
import { ConfigError, getConfig } from '../config';
import { DatabaseOpenError } from '../../db';
import { SecretKeyError } from '../secrets/box';
import { rotateSecretKey, RotateKeyError } from '../secrets/rotate';

const HELP = `Usage: npm run rotate-key

Re-encrypts every secret stored in the database (UPBEAT_DB, now %DB%) with a new random key, in one
transaction. Stop the web server and the checker first.

Without UPBEAT_SECRET_KEY the key lives in %DB%.key: it is replaced by the new key.
With UPBEAT_SECRET_KEY set, the new key is printed once: put it in UPBEAT_SECRET_KEY before starting again.

Backups made before the rotation still need the old key.`;

function main(argv: readonly string[]): number {
  const config = getConfig();
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.replaceAll('%DB%', config.dbPath));
    return 0;
  }
  if (argv.length > 0) {
    console.error(`rotate-key: unknown argument ${argv[0]}`);
    console.error('Usage: npm run rotate-key   (--help for more)');
    return 2;
  }
  const result = rotateSecretKey(config.dbPath, config.secretKey);
  console.log(`rotate-key: ${result.values} secrets re-encrypted`);
  if (result.keyFile) console.log(`rotate-key: the new key is in ${result.keyFile}`);
  if (result.printedKey) {
    console.log('rotate-key: set this as UPBEAT_SECRET_KEY before starting Upbeat again (it is shown only now):');
    console.log(result.printedKey);
  }
  return 0;
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (err) {
  if (err instanceof RotateKeyError || err instanceof ConfigError || err instanceof DatabaseOpenError || err instanceof SecretKeyError) {
    console.error(`rotate-key: refused: ${err.message}. Nothing was changed.`);
    process.exit(1);
  }
  throw err;
}
