'use client';

import { useState } from 'react';
import useSWR from 'swr';
import { ManagedNote } from '@/app/_components/managed-note';
import { Modal } from '@/app/_components/modal';
import { ChannelForm, type SiteChoice } from './channel-form';
import { CHANNELS_KEY, channelsApi, fetchJson, type ApiChannel, type TestResult } from './channels-api';
import { DeliveryLog } from './delivery-log';
import styles from './notifications.module.css';

type Editing = { mode: 'add' } | { mode: 'edit'; channel: ApiChannel } | null;

/** Settings → Notifications: the channels, how each has been doing, and what was sent through it. */
export function Notifications({ initial, sites }: { initial: ApiChannel[]; sites: SiteChoice[] }) {
  const { data, mutate } = useSWR<{ channels: ApiChannel[] }>(CHANNELS_KEY, fetchJson, {
    fallbackData: { channels: initial },
    refreshInterval: 5_000,
  });
  const channels = data?.channels ?? initial;
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<ApiChannel | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  return (
    <>
      <div className={styles.head}>
        <p className={styles.muted}>
          Where Upbeat sends word when a site goes down, comes back, slows down or its certificate runs out.
        </p>
        <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'add' })}>
          Add channel
        </button>
      </div>
      {channels.length === 0 ? (
        <div className="empty-state">
          <h2>No channels yet</h2>
          <p>Add a webhook, email, Slack, Discord, Teams, Telegram, ntfy, Gotify or Pushover channel.</p>
        </div>
      ) : (
        <ul className={styles.list} aria-label="Notification channels">
          {channels.map((c) => (
            <ChannelItem
              key={c.id}
              channel={c}
              onEdit={() => setEditing({ mode: 'edit', channel: c })}
              onDelete={() => {
                setDeleteError(null);
                setDeleting(c);
              }}
              onTested={() => void mutate()}
            />
          ))}
        </ul>
      )}

      <Modal open={editing !== null} onClose={() => setEditing(null)} labelledBy="channel-form-title">
        {editing && (
          <ChannelForm
            channel={editing.mode === 'edit' ? editing.channel : undefined}
            sites={sites}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              void mutate();
            }}
          />
        )}
      </Modal>

      <Modal open={deleting !== null} onClose={() => setDeleting(null)} labelledBy="delete-channel-title" className="modal-small">
        {deleting && (
          <div className="confirm">
            <h2 className="modal-title" id="delete-channel-title">
              Delete {deleting.name}?
            </h2>
            <p>
              Messages waiting for <strong>{deleting.name}</strong> and its attempt log go with it. Sites keep their
              other channels.
            </p>
            {deleteError && (
              <p className="form-error" role="alert">
                {deleteError}
              </p>
            )}
            <div className="modal-actions">
              <button type="button" className="btn" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-danger"
                onClick={async () => {
                  const result = await channelsApi.remove(deleting.id);
                  if (!result.ok) {
                    setDeleteError(result.message);
                    return;
                  }
                  setDeleting(null);
                  void mutate();
                }}
              >
                Delete channel
              </button>
            </div>
          </div>
        )}
      </Modal>
    </>
  );
}

function ChannelItem({
  channel: c,
  onEdit,
  onDelete,
  onTested,
}: {
  channel: ApiChannel;
  onEdit: () => void;
  onDelete: () => void;
  onTested: () => void;
}) {
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<TestResult | { delivered: false; status: null; error: string } | null>(null);
  const [showLog, setShowLog] = useState(false);
  const logId = `channel-${c.id}-log`;

  const runTest = async () => {
    setTesting(true);
    setTest(null);
    const result = await channelsApi.test(c.id);
    setTesting(false);
    setTest(result.ok ? result.value : { delivered: false, status: null, error: result.message });
    onTested();
  };

  return (
    <li className={styles.item} data-channel={c.id} aria-labelledby={`channel-${c.id}-name`}>
      <div className={styles.row}>
        <div className={styles.what}>
          <h2 className={styles.name} id={`channel-${c.id}-name`}>
            {c.name}
          </h2>
          <p className={styles.muted}>
            {c.typeLabel}
            {c.isDefault ? ' · preselected for new sites' : ''}
            {!c.enabled ? ' · turned off' : ''}
            {` · ${c.sites.length === 1 ? '1 site' : `${c.sites.length} sites`}`}
          </p>
        </div>
        <div className={styles.status}>
          {c.isFailing && (
            <span className={styles.failing} role="status">
              Keeps failing ({c.failuresInARow} attempts)
            </span>
          )}
          <LastOutcome channel={c} />
        </div>
        <div className="row-actions">
          <button type="button" className="btn btn-small" onClick={runTest} disabled={testing}>
            {testing ? 'Sending…' : 'Send test'}
          </button>
          {c.managedBy === null && (
            <button type="button" className="btn btn-small" onClick={onEdit}>
              Edit
            </button>
          )}
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={showLog}
            aria-controls={logId}
            onClick={() => setShowLog((v) => !v)}
          >
            Attempts
          </button>
          {c.managedBy === null ? (
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={onDelete}>
              Delete
            </button>
          ) : (
            <ManagedNote file={c.managedBy} />
          )}
        </div>
      </div>
      <div aria-live="polite" className={styles.testOutcome}>
        {test &&
          (test.delivered ? (
            <p className={styles.outcome_delivered}>Test delivered{test.status !== null ? ` (HTTP ${test.status})` : ''}.</p>
          ) : (
            <p className={styles.outcome_failed}>
              Test not delivered{test.status !== null ? ` (status ${test.status})` : ''}: {test.error}
            </p>
          ))}
      </div>
      {showLog && (
        <div id={logId}>
          <DeliveryLog channelId={c.id} />
        </div>
      )}
    </li>
  );
}

function LastOutcome({ channel: c }: { channel: ApiChannel }) {
  if (c.lastAttempt === null) return <span className={styles.muted}>Never sent</span>;
  const when = new Date(c.lastAttempt.at).toLocaleString();
  const outcome = c.lastAttempt.outcome ?? 'unknown';
  return (
    <span className={styles[`outcome_${outcome}`]} title={c.lastAttempt.error ?? undefined}>
      Last: {outcome} · <time dateTime={c.lastAttempt.at}>{when}</time>
      {c.pending > 0 ? ` · ${c.pending} waiting` : ''}
    </span>
  );
}
