'use client';

import type { ApiSite } from '@/lib/api/present';

/** The browser's calls to the REST API. Failures come back as values, with the API's per-field messages. */

export type ApiResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; message: string; fields: Record<string, string> };

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
    return { ok: false, status: 0, message: 'Could not reach Upbeat. Check the connection and try again.', fields: {} };
  }
  let payload: unknown = null;
  if (res.status !== 204) {
    try {
      payload = await res.json();
    } catch {
      payload = null;
    }
  }
  if (res.ok) return { ok: true, value: payload as T };
  const error = (payload as { error?: { message?: string; fields?: Record<string, string> } } | null)?.error;
  return {
    ok: false,
    status: res.status,
    message: error?.message ?? `Upbeat answered ${res.status}.`,
    fields: error?.fields ?? {},
  };
}

export const api = {
  createSite: (body: unknown) => send<ApiSite>('POST', '/api/sites', body),
  updateSite: (id: number, body: unknown) => send<ApiSite>('PATCH', `/api/sites/${id}`, body),
  deleteSite: (id: number) => send<null>('DELETE', `/api/sites/${id}`),
  checkNow: (id: number) => send<{ requested: boolean }>('POST', `/api/sites/${id}/check-now`),
};
