/** A workflow's Temporal status, as the services ask it before reading, streaming or cancelling. */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { ShortCalls } from './deadlines';

/** Status name of the workflow's latest run (`RUNNING`, `COMPLETED`, …), or undefined when it does not exist. */
export async function workflowStatus(short: ShortCalls, handle: WorkflowHandle): Promise<string | undefined> {
  try {
    return (await short(() => handle.describe())).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
