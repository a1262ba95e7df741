'use client';

import Link from 'next/link';

/** Header links: settings and log out for the owner; log in for a public read-only visitor. */
export function AccountMenu({ username }: { username: string | null }) {
  if (!username) {
    return (
      <Link href="/login" className="header-link">
        Log in
      </Link>
    );
  }
  async function logout() {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    window.location.assign('/login');
  }
  return (
    <>
      <Link href="/settings" className="header-link">
        Settings
      </Link>
      <button type="button" className="btn btn-small" onClick={() => void logout()}>
        Log out
      </button>
    </>
  );
}
