'use client';

import Link from 'next/link';
import { useState } from 'react';
import { api } from './api-client';

/** Header links: settings and log out for the owner; log in for a public read-only visitor. */
export function AccountMenu({ username }: { username: string | null }) {
  const [error, setError] = useState('');
  if (!username) {
    return (
      <Link href="/login" className="header-link">
        Log in
      </Link>
    );
  }
  async function logout() {
    setError('');
    const result = await api.logout();
    if (!result.ok) {
      setError(`Could not log out: ${result.message}`);
      return;
    }
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
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
