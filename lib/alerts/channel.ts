import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { AlertEvent } from './event';

/**
 * The one shape every notification channel has, so a new channel is one file (and one test) and the sender
 * treats them all alike. A channel formats the event itself (through `message.ts` and `render.ts`) and talks to
 * its service; it keeps no state between sends.
 */

/** What one delivery attempt came to. `send` always resolves to one of these; it never throws. */
export type SendOutcome =
  | {
      delivered: true;
      /** The service's HTTP status (the SMTP reply code for email); null when it gave none. */
      status: number | null;
      /** What the service answered, shortened (a message id, `ok`, the SMTP reply). */
      detail?: string;
    }
  | {
      delivered: false;
      /**
       * Worth trying again later: rate limited (429), the service failing (5xx, 408), or the network (refused,
       * reset, timed out, unresolvable). Not: the service refused the request (other 4xx: a bad token, an
       * unknown chat), a redirect, or an address the target policy refuses.
       */
      retryable: boolean;
      status: number | null;
      /** The service's own error text where it gave one (truncated), else what went wrong on the way. */
      error: string;
      /** How long the service asked to wait (`Retry-After`, or the wait a 429 body names). */
      retryAfterMs?: number;
    };

export interface SendContext {
  /** Bounds the whole attempt: resolving, connecting, the exchange and reading the answer. */
  timeoutMs: number;
  /**
   * Carries every HTTP request. Default: `createTargetGuard()` for the configured target policy, which vets the
   * address actually dialled, so a service URL resolving to a metadata address is refused at connect time.
   */
  dispatcher?: Dispatcher;
  /**
   * For channels that open their own sockets (SMTP): resolves a host to one address the target policy allows,
   * or rejects (an `UPBEAT_ADDRESS_REFUSED` error when every address is refused). Default: as `dispatcher`.
   */
  resolveTarget?: (host: string) => Promise<string>;
  /** Extra trusted CA certificates (PEM) for TLS, e.g. a self-hosted server's private CA. */
  ca?: string | readonly string[];
}

/**
 * A kind of channel. `C` is its parsed configuration. Methods (not arrow properties) on purpose: their
 * parameters are checked bivariantly, so every `ChannelType<X>` fits the registry's `ChannelType<unknown>`,
 * and the registry parses a config with the channel's own schema before handing it back to that channel.
 */
export interface ChannelType<C> {
  /** Stable id, stored with the channel: `webhook`, `email`, `slack` … */
  readonly type: string;
  /** For people: `Microsoft Teams`. */
  readonly label: string;
  /** Validates a config from the API; messages name the field the way `lib/schemas.ts` does. */
  readonly configSchema: z.ZodType<C>;
  /**
   * Top-level config fields holding secrets (tokens, passwords, webhook URLs that act as credentials): shown
   * back as `set`, never in clear (see `maskConfig`).
   */
  readonly secretFields: readonly string[];
  /**
   * Every URL this config will contact (SMTP as `smtp://host:port`), so the caller can apply the target policy
   * at save time. Connect time is covered by the dispatcher whatever the caller did.
   */
  targets(config: C): string[];
  /** One delivery attempt. Never throws: every failure is a `SendOutcome` with `delivered: false`. */
  send(config: C, event: AlertEvent, ctx: SendContext): Promise<SendOutcome>;
}

/** The stand-in shown for a secret that is set. */
export const MASKED = 'set';

/**
 * A config as it may be shown back: each secret field that is set becomes `set` (an object of secrets, such as
 * webhook headers, keeps its names and masks each value); unset ones stay absent.
 */
export function maskConfig(channel: Pick<ChannelType<unknown>, 'secretFields'>, config: object): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...config };
  for (const field of channel.secretFields) {
    const value = shown[field];
    if (value === undefined || value === null || value === '') continue;
    shown[field] =
      typeof value === 'object' ? Object.fromEntries(Object.keys(value).map((name) => [name, MASKED])) : MASKED;
  }
  return shown;
}

/**
 * Builds a channel whose `send` cannot throw: anything that escapes its implementation becomes a retryable
 * failure with the error's message, so one broken channel never takes the sender down with it.
 */
export function defineChannel<C>(channel: ChannelType<C>): ChannelType<C> {
  const send = channel.send.bind(channel);
  return {
    ...channel,
    targets: channel.targets.bind(channel),
    async send(config, event, ctx) {
      try {
        return await send(config, event, ctx);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        return { delivered: false, retryable: true, status: null, error: `unexpected failure: ${error}` };
      }
    },
  };
}
