/**
 * Replay: histories recorded from end-to-end runs (see infra/e2e, written
 * with HUB_RECORD_HISTORIES=1) must replay against the current workflow code.
 * A change that alters the commands an existing history expects fails here;
 * such a change needs `patched()` (see docs/workflows.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from './harness';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
/** The workflow id each history was recorded under (written by the recorder; older histories replay under their name). */
const recordedIds = JSON.parse(readFileSync(dir + 'workflow-ids.map', 'utf8')) as Record<string, string>;

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('replays every recorded history without non-determinism', async () => {
    const histories = files.map((f) => ({
      workflowId: recordedIds[f.replace(/\.json$/, '')] ?? f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(dir + f, 'utf8'))),
    }));
    const results: { workflowId: string; error?: unknown }[] = [];
    // The workers' sinks, as a hub worker registers them (a replay calls none of them: both are replay-off).
    const sinks = { hubMetrics: { approvalsPending: { fn: () => undefined } }, exporter: { export: { fn: () => undefined } } };
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), sinks }, histories)) {
      results.push({ workflowId: r.workflowId, error: r.error });
    }
    expect(results.map((r) => r.workflowId)).toEqual(histories.map((h) => h.workflowId));
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});
