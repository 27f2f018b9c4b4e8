/**
 * The LLM activity's Prometheus metrics (`@hub/runtime/metrics`, the worker's registry): one record per provider
 * call (model alias, provider, outcome, duration; tokens and cost of a successful one) and per fallback. Labels
 * are bounded (models and providers past 50 distinct values are `other`); no tenant.
 */
import { workerMetrics } from '@hub/runtime/metrics';

export type LlmOutcome = 'ok' | 'retryable' | 'rejected' | 'cancelled';

/** Starts timing one provider call; `end` records it. */
export function llmCallTimer(model: string, provider: string): { end(outcome: LlmOutcome, usage?: { promptTokens: number; completionTokens: number; usd?: number | undefined }): void } {
  const started = performance.now();
  return {
    end(outcome, usage) {
      const m = workerMetrics();
      const labels = { model: m.model(model), provider: m.provider(provider) };
      m.llmCalls.inc({ ...labels, outcome });
      m.llmDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
      if (!usage) return;
      m.llmTokens.inc({ ...labels, kind: 'prompt' }, usage.promptTokens);
      m.llmTokens.inc({ ...labels, kind: 'completion' }, usage.completionTokens);
      if (usage.usd !== undefined) m.llmCost.inc(labels, usage.usd);
    },
  };
}

/** A route entry passed over: in cooldown, or after a retryable error. */
export function recordLlmFallback(model: string, provider: string, reason: string): void {
  const m = workerMetrics();
  m.llmFallbacks.inc({ model: m.model(model), provider: m.provider(provider), reason: reason === 'cooldown' ? 'cooldown' : 'error' });
}

/** The outcome of a failed provider call. */
export function llmFailureOutcome(retryable: boolean, cancelled: boolean): LlmOutcome {
  return cancelled ? 'cancelled' : retryable ? 'retryable' : 'rejected';
}

/** One research sub-agent's model call in a batch activity: counted in `hub_research_agents_running` while it runs. */
export async function countResearchAgent<T>(run: () => Promise<T>): Promise<T> {
  const gauge = workerMetrics().researchAgentsRunning;
  gauge.inc();
  try {
    return await run();
  } finally {
    gauge.dec();
  }
}
