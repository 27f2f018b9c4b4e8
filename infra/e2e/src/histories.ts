/**
 * Workflow histories recorded from end-to-end runs become replay fixtures
 * (workflows/test/histories), so a non-deterministic change to workflow code
 * fails `npm test`. Set HUB_RECORD_HISTORIES=1 to (re)write them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { repoRoot } from '@hub/runtime';

/** History name → the workflow id it was recorded under. */
export const WORKFLOW_IDS_FILE = 'workflow-ids.map';
export const HISTORIES_DIR = join(repoRoot(), 'workflows', 'test', 'histories');

export async function recordHistory(client: Client, workflowId: string, name: string): Promise<boolean> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return false;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  // The file is the history in Temporal's JSON form (what `temporal workflow show --output json` prints).
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(history) + '\n');
  // Workflows that derive ids from their own (research jobs name their children after it) replay under the
  // recorded id: keep it next to the histories.
  const idsFile = join(HISTORIES_DIR, WORKFLOW_IDS_FILE);
  const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
  ids[name] = workflowId;
  writeFileSync(idsFile, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
  return true;
}
