// Server modules import 'server-only', which throws unless resolved under the `react-server` condition, as
// Next.js does for server code. Tests and benchmarks load those modules in plain Node: resolve the marker the
// same way there (node --import ./tests/helpers/allow-server-only.mjs).
import { register } from 'node:module';

register('./server-only-hooks.mjs', import.meta.url);
