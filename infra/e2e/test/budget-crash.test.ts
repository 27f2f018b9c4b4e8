/**
 * A worker process SIGKILLed while its LLM call holds a budget lease, on the real stack (dev server, worker
 * and gateway processes; hub.config.json with `budgets`, read through HUB_CONFIG by both): a new worker
 * process takes the turn over and it completes once. The dead attempt's lease never settles; the ledger
 * charges it once, at its estimate, when the call's next attempt asks (`abandoned` counts it): the spending is
 * the turn's usage plus that estimate, nothing is left reserved and nothing is counted twice. The call was
 * granted from the dead worker's budget block: the block's remainder is released after its time-to-live.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetState, SessionState, TurnResult } from '@hub/contracts';
import { startScriptedLlmServer, type RecordedRequest, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack, eventually } from '../src/stack';

const TENANT = 'default'; // auth off: every request is the default tenant's, and an admin's
const CAP = 1_000_000;

let llm: ScriptedLlmServer;
let hub: HubStack;

beforeAll(async () => {
  llm = await startScriptedLlmServer();
  const dir = mkdtempSync(join(tmpdir(), 'budget-crash-'));
  const config = join(dir, 'hub.config.json');
  writeFileSync(config, JSON.stringify({ budgets: { [TENANT]: { tokens: CAP, period: 'day' } } }));
  hub = await new HubStack({ llmUrl: llm.url, env: { HUB_CONFIG: config } }).start();
});
afterAll(async () => {
  await hub?.stop();
  await llm?.close();
});

/** The tokens the call's lease reserved: its request's messages' and tools' bytes / 3 plus its max_tokens (the meter's estimate). */
function leaseEstimateOf(req: RecordedRequest): number {
  const body = req.body ?? {};
  const bytes = Buffer.byteLength(JSON.stringify(body.messages ?? []), 'utf8') + (body.tools ? Buffer.byteLength(JSON.stringify(body.tools), 'utf8') : 0);
  return Math.ceil(bytes / 3) + Number(body['max_tokens'] ?? 0);
}

const budget = async (): Promise<BudgetState> => (await hub.api<BudgetState>('GET', `/v1/budgets/${TENANT}`)).body;

describe('a worker killed while its LLM call holds a budget lease', () => {
  it('the turn completes once on a new worker; the dead lease is charged once at its estimate, nothing stays reserved', async () => {
    const created = await hub.api<{ id: string }>('POST', '/v1/sessions', {});
    expect(created.status).toBe(201);
    const id = created.body.id;
    // The first attempt streams slowly (its lease is held meanwhile); the next attempt answers at once.
    llm.script(
      { reply: 'this answer is streamed slowly word by word and never finishes', chunkDelayMs: 400, usage: { promptTokens: 300, completionTokens: 200 } },
      { reply: 'The answer after the crash.', usage: { promptTokens: 300, completionTokens: 40 } },
    );
    const reply = hub.api<TurnResult>('POST', `/v1/sessions/${id}/messages`, { text: 'spend carefully' });
    const mine = () => llm.chatRequests().filter((r) => r.body?.messages?.some((m) => m.content === 'spend carefully'));
    await llm.waitFor(() => mine().length === 1, 30_000);
    const held = await eventually(async () => {
      const b = await budget();
      return b.reserved.leases === 1 && b.reserved.blocks === 1 && b;
    }, 10_000, 'the lease held by the call in flight, from the worker\'s block');
    expect(held.spent).toEqual({ usd: 0, tokens: 0, calls: 0 });
    await new Promise((r) => setTimeout(r, 600)); // a few tokens out
    expect(await hub.killWorker('SIGKILL')).toBe(null);

    await hub.startWorker();
    const result = await reply;
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'completed', reply: 'The answer after the crash.', usage: { promptTokens: 300, completionTokens: 40, totalTokens: 340 } });

    const state = (await hub.api<SessionState>('GET', `/v1/sessions/${id}`)).body;
    expect(state.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'spend carefully'],
      ['assistant', 'The answer after the crash.'],
    ]);
    expect(state.turns).toBe(1);
    const calls = mine();
    expect(calls).toHaveLength(2); // the killed attempt's and the retry's
    expect(calls[0]!.completed).toBe(false);
    expect(new Set(calls.map((r) => r.idempotencyKey)).size).toBe(1);

    // The ledger: the dead attempt's lease charged once at its estimate, the retry's real usage, nothing reserved.
    const estimate = leaseEstimateOf(calls[0]!);
    const after = await eventually(async () => {
      const b = await budget();
      return b.spent.calls === 1 && b.reserved.leases === 0 && b.reserved.blocks === 0 && b;
    }, 40_000, 'the retry settled and the dead worker\'s block lapsed');
    expect(after).toMatchObject({ reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 }, abandoned: 1, queued: 0, exhausted: false });
    expect(after.spent).toEqual({ usd: 0, tokens: state.usage.totalTokens + estimate, calls: 1 });
    expect(state.usage.totalTokens).toBe(340);
    // Still so a moment later (no late settlement of the dead attempt can come: its process is gone).
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await budget()).spent).toEqual(after.spent);
  }, 180_000);
});
