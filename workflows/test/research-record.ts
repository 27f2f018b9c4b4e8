/**
 * Replay fixtures of the research job's batch-activity shape, recorded from the tests in
 * `research-batch.test.ts` when HUB_RECORD_HISTORIES=1 (as infra/e2e records its histories): the history in
 * Temporal's JSON form in workflows/test/histories, its workflow id in `workflow-ids.map`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));

export async function recordResearchHistory(client: Client, workflowId: string, name: string): Promise<boolean> {
  if (process.env.HUB_RECORD_HISTORIES !== '1') return false;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(`${dir}${name}.json`, historyToJSON(history) + '\n');
  const idsFile = `${dir}workflow-ids.map`;
  const ids = existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as Record<string, string>) : {};
  ids[name] = workflowId;
  writeFileSync(idsFile, JSON.stringify(Object.fromEntries(Object.entries(ids).sort()), null, 2) + '\n');
  return true;
}
