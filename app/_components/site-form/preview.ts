'use client';

import { z } from 'zod';
import type { PreviewResult } from '@/lib/site-preview';
import { send, type ApiResult } from '../api-client';

/** The preview route's answer (lib/site-preview.ts), checked for the parts the form shows. */
export type { AssertionVerdict, PreviewResult } from '@/lib/site-preview';

const verdict = z.object({ holds: z.boolean().nullable(), seen: z.string().nullable() });
const previewShape = z.looseObject({
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  error: z.looseObject({ kind: z.string(), message: z.string() }).nullable(),
  assertions: z.array(verdict),
  bodyStart: z.string().nullable(),
  detail: z.string().nullable(),
}) as unknown as z.ZodType<PreviewResult>;

/** One check of the draft now (`siteId` for an edit: stored secrets fill what the draft leaves out). */
export function runPreview(body: Record<string, unknown>, siteId: number | undefined): Promise<ApiResult<PreviewResult>> {
  return send('POST', '/api/sites/preview', { body: siteId === undefined ? body : { ...body, siteId }, expect: previewShape });
}
