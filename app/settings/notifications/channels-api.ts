'use client';

import type { ApiAttempt, ApiChannel } from '@/lib/api/present-channel';
import type { ApiResult } from '@/app/_components/api-client';

/** The browser's calls to /api/channels; failures come back as values with the API's per-field messages. */

async function send<T>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, code: 'network', message: 'Could not reach Upbeat. Check the connection and try again.', fields: {} };
  }
  const payload: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { ok: true, value: payload as T };
  const error = (payload as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  return { ok: false, status: res.status, code: error?.code ?? 'http', message: error?.message ?? `Upbeat answered ${res.status}.`, fields: error?.fields ?? {} };
}

export interface TestResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export const CHANNELS_KEY = '/api/channels';

export const channelsApi = {
  create: (body: unknown) => send<ApiChannel>('POST', '/api/channels', body),
  update: (id: number, body: unknown) => send<ApiChannel>('PATCH', `/api/channels/${id}`, body),
  remove: (id: number) => send<null>('DELETE', `/api/channels/${id}`),
  test: (id: number) => send<TestResult>('POST', `/api/channels/${id}/test`),
};

export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`Upbeat answered ${res.status}`);
  return (await res.json()) as T;
}

export type { ApiAttempt, ApiChannel };
