import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { THEME_SCRIPT } from './_components/theme';
import { ThemeToggle } from './_components/theme-toggle';
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The head script sets data-theme before React hydrates, hence suppressHydrationWarning on <html> only.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
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
              Upbeat
            </Link>
            <ThemeToggle />
          </div>
        </header>
        {/* Each page renders its own <main id="main">, the skip link's target. */}
        {children}
      </body>
    </html>
  );
}
