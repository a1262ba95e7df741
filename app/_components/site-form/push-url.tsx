'use client';

import { useState } from 'react';
import { usePublicOrigin } from '../public-origin';
import styles from './site-form.module.css';

/**
 * A push site's secret ping URL, the one time it is shown (after the site is added, after a rotation): Upbeat
 * keeps only its hash, so this is the only chance to copy it.
 */
export function PushUrlOnce({ pushPath }: { pushPath: string }) {
  const origin = usePublicOrigin(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const url = origin === null ? pushPath : `${origin}${pushPath}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // Without clipboard access (an insecure origin, a denied permission) the field is selected to copy by hand.
      setCopied('failed');
    }
  };
  return (
    <div className={styles.pushUrl} data-testid="push-url">
      <label htmlFor="push-url-value">Ping URL</label>
      <div className={styles.pushUrlRow}>
        <input id="push-url-value" type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn btn-small" onClick={copy}>
          Copy
        </button>
      </div>
      <p className={styles.warning} role="status">
        {copied === 'yes'
          ? 'Copied. '
          : copied === 'failed'
            ? 'Could not copy: select the URL and copy it by hand. '
            : ''}
        Shown this once: Upbeat keeps only a hash of it. Call it with GET or POST at least once per interval; add
        ?status=down&amp;msg=… to report a failure.
      </p>
    </div>
  );
}
