import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES, STATUS_WORDS } from '../../../app/_components/status-pages/status-pages-api';
import * as stored from '../../../db/status-posts';

test('the settings page offers exactly the post statuses the API takes, each with words', () => {
  assert.deepEqual(INCIDENT_STATUSES, stored.INCIDENT_STATUSES);
  assert.deepEqual(MAINTENANCE_STATUSES, stored.MAINTENANCE_STATUSES);
  for (const s of [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]) assert.ok(STATUS_WORDS[s], `${s} has words`);
});
