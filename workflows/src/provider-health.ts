/**
 * providerHealth: the one workflow (id `providers/health`) that holds provider cooldowns for every worker of
 * the namespace. A worker whose call to a provider fails with a retryable error signals `providerFailed`
 * (until when to pass it over); every worker polls `providerCooldowns` (a query: no history) and passes the
 * provider over until then, so a provider that failed on one worker is skipped by all of them. A success
 * signals `providerRecovered` only when the worker thought the provider was cooling down.
 *
 * Its state is a small map (provider → until); it continues as new when Temporal suggests it.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { providerCooldownsQuery, providerFailedSignal, providerRecoveredSignal } from '@hub/contracts/budget/wire';
import { nowMs } from './util';

export interface ProviderHealthInput {
  cooldowns?: Record<string, number>;
}

/** Continue as new after this many events, well before Temporal's limits. */
const MAX_HISTORY_EVENTS = 5_000;

export async function providerHealth(input: ProviderHealthInput = {}): Promise<void> {
  const until = new Map<string, number>(Object.entries(input.cooldowns ?? {}));
  const live = (): Record<string, number> => {
    const now = nowMs();
    const out: Record<string, number> = {};
    for (const [p, t] of until) if (t > now) out[p] = t;
    return out;
  };
  setHandler(providerFailedSignal, ({ provider, until: t }) => {
    if (typeof provider !== 'string' || typeof t !== 'number' || !Number.isFinite(t)) return;
    for (const [p, old] of until) if (old <= nowMs()) until.delete(p); // ended cooldowns
    until.set(provider, Math.max(until.get(provider) ?? 0, t));
  });
  setHandler(providerRecoveredSignal, ({ provider }) => {
    until.delete(provider);
  });
  // The whole map: a query's workflow clock is the last task's, so the caller compares with its own clock.
  setHandler(providerCooldownsQuery, () => Object.fromEntries(until));

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS);
  await condition(allHandlersFinished);
  await continueAsNew<typeof providerHealth>({ cooldowns: live() });
}
