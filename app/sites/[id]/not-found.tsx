import Link from 'next/link';
import styles from './site.module.css';

export default function SiteNotFound() {
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/">← All sites</Link>
      </nav>
      <h1>No such site</h1>
      <p className={styles.muted}>It may have been removed, or the link is wrong.</p>
      <p>
        <Link href="/">Back to all sites</Link>
      </p>
    </main>
  );
}
