/**
 * Workflow histories recorded from end-to-end runs become replay fixtures
 * (workflows/test/histories), so a non-deterministic change to workflow code
 * fails `npm test`. Set HUB_RECORD_HISTORIES=1 to (re)write them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { repoRoot } from '@hub/infra';

export const HISTORIES_DIR = join(repoRoot(), 'workflows', 'test', 'histories');

export async function recordHistory(client: Client, workflowId: string, name: string): Promise<boolean> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return false;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  // The file is the history in Temporal's JSON form (what `temporal workflow show --output json` prints).
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(history) + '\n');
  return true;
}
