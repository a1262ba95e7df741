/** `npm run monitor`: the checker as its own process, against the same database file as the web server. */
import { ConfigError } from '../config';
import { DatabaseOpenError } from '../../db';
import { bootMonitor } from '../monitor/boot';

try {
  bootMonitor({ ownsSignals: true });
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(`upbeat: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
