/** Types of server-bundle.mjs, plain JavaScript because it runs before anything could compile TypeScript. */
export const DEFAULT_OUT_DIR: string;
export const SERVER_BUNDLE: string;
export function buildServerBundle(outDir?: string): Promise<string>;
export function ensureServerBundle(outDir?: string): Promise<string>;
