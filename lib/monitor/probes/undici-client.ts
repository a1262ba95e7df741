import type { Client as UndiciClient } from 'undici';
import ClientModule from 'undici/lib/dispatcher/client.js';

/**
 * undici's Client, from its own module: the package's index also loads fetch, WebSocket, the caches, the mocks
 * and the proxies (a megabyte of code, 40 ms of every start of the one-shot CLI) for a probe that uses one class.
 * The class and its types are the package's own; only the loading is narrower.
 */
export const Client = ClientModule as unknown as typeof UndiciClient;
export type Client = UndiciClient;
