import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AccountMenu } from './_components/account-menu';
import { THEME_SCRIPT } from './_components/theme';
import { ThemeToggle } from './_components/theme-toggle';
import { cspNonce, peekViewer } from '@/app/_server/auth-page';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Upbeat', template: '%s · Upbeat' },
  description: 'Self-hosted website uptime monitor',
  icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f8fa' },
    { media: '(prefers-color-scheme: dark)', color: '#0d1117' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The theme script is ours and inline, so it carries this request's CSP nonce (see proxy.ts).
  const nonce = await cspNonce();
  // Header links only for someone who may see the pages: nothing on /login and /setup before that.
  const viewer = await peekViewer();
  return (
    // The head script sets data-theme before React hydrates, hence suppressHydrationWarning on <html> only.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container site-header-inner">
            <Link href="/" className="brand">
              <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
                <rect width="32" height="32" rx="7" fill="var(--accent)" />
                <path
                  d="M5 17h6l3-7 4 13 3-6h6"
                  fill="none"
                  stroke="var(--accent-text)"
                  strokeWidth="2.6"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
              <span className="brand-name">Upbeat</span>
            </Link>
            <div className="header-actions">
              {viewer?.user && (
                <Link href="/settings/status-pages" className="header-link header-link-wide">
                  Status pages
                </Link>
              )}
              {viewer && (
                <Link href="/incidents" className="header-link">
                  Incidents
                </Link>
              )}
              {viewer && (
                <Link href="/settings/storage" className="header-link header-link-wide">
                  Storage
                </Link>
              )}
              {viewer && <AccountMenu username={viewer.user?.username ?? null} />}
              <ThemeToggle />
            </div>
          </div>
        </header>
        {/* Each page renders its own <main id="main">, the skip link's target. */}
        {children}
      </body>
    </html>
  );
}
