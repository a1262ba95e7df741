'use client';

import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * The address people outside reach Upbeat at, for links meant to be copied (a status page's URL, a badge in a
 * README): `UPBEAT_PUBLIC_URL` when set, else the address this browser used. The server cannot know the latter,
 * so it is null on the server and during hydration; callers render the link once it is known, never a relative
 * one that would be copied by mistake.
 */
export function usePublicOrigin(configured: string | null): string | null {
  const browser = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => null,
  );
  return configured ?? browser;
}
