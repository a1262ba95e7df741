import { z } from 'zod';

/** The owner's password rule, shared by the server (lib/auth/accounts.ts) and the setup form, so they agree. */
export const PASSWORD_MIN = 10;

export const passwordSchema = z
  .string({ error: 'is required' })
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(1024, 'must be at most 1024 characters');
