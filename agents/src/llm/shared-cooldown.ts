/**
 * Provider cooldowns shared by every worker of the namespace, through the `providers/health` workflow
 * (workflows/src/provider-health.ts). A worker whose call to a provider fails signals `providerFailed`
 * (starting the workflow if it does not run yet); every worker polls its `providerCooldowns` query in the
 * background and answers the router synchronously from the last answer, merged with what it told the
 * workflow itself and has not yet seen in an answer. A success on a provider the workers think is cooling
 * down signals `providerRecovered`.
 *
 * Best effort throughout: a signal or a query that fails is logged (once per outage) and never reaches the
 * LLM call; while Temporal cannot be asked, known cooldowns still end by the clock and this worker's own
 * failures still count. A workflow that does not exist yet means no cooldowns.
 */
import { WorkflowNotFoundError, type QueryDefinition, type SignalDefinition } from '@temporalio/common';
import {
  PROVIDER_HEALTH_WORKFLOW_ID,
  providerCooldownsQuery,
  providerFailedSignal,
  providerRecoveredSignal,
  type ProviderFailure,
} from '@hub/contracts/budget/wire';
import { WORKFLOW_TYPES } from '@hub/contracts/common/wire';
import type { CooldownSource } from './router';

/** The part of a `@temporalio/client` Client this uses (a Client is one). */
export interface CooldownClient {
  readonly workflow: {
    signalWithStart(
      workflowType: string,
      options: {
        workflowId: string;
        taskQueue: string;
        args: [Record<string, never>];
        signal: SignalDefinition<[ProviderFailure]>;
        signalArgs: [ProviderFailure];
      },
    ): Promise<unknown>;
    getHandle(workflowId: string): {
      query(def: QueryDefinition<Record<string, number>, []>): Promise<Record<string, number>>;
      signal(def: SignalDefinition<[{ provider: string }]>, arg: { provider: string }): Promise<void>;
    };
  };
}

export interface SharedCooldownsLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
}

export interface SharedCooldownsOptions {
  client: CooldownClient;
  /** Where the workflow runs when a failure starts it (the hub's task queue). */
  taskQueue: string;
  /** How often the shared cooldowns are read (ms; default 1000). */
  pollMs?: number;
  log?: SharedCooldownsLog;
  now?: () => number;
}

export interface SharedCooldowns extends CooldownSource {
  /** Until when (ms since the epoch) new calls pass the provider over; undefined: it is not cooling down. */
  until(provider: string): number | undefined;
  /** Starts polling the shared cooldowns (a first read at once; the timer does not keep the process alive). */
  start(): void;
  /** Stops polling; news from then on is no longer signalled. */
  stop(): void;
  /** One read of the shared cooldowns now (what the poller does each time). */
  refresh(): Promise<void>;
}

/** A failure this worker signalled, kept until an answer read after the signal was delivered shows it. */
interface OwnFailure {
  until: number;
  /** When the signal was delivered (Infinity while it is on its way, or if it failed). */
  deliveredAt: number;
}

export function createSharedCooldowns(opts: SharedCooldownsOptions): SharedCooldowns {
  const now = opts.now ?? Date.now;
  const pollMs = opts.pollMs ?? 1000;
  const log = opts.log;
  /** The last answer of the query. */
  let shared = new Map<string, number>();
  const own = new Map<string, OwnFailure>();
  /** Providers this worker said recovered: when that signal was delivered (Infinity while on its way). */
  const recovered = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  let failing = false;

  const handle = () => opts.client.workflow.getHandle(PROVIDER_HEALTH_WORKFLOW_ID);

  function until(provider: string): number | undefined {
    const t = Math.max(shared.get(provider) ?? 0, own.get(provider)?.until ?? 0);
    if (t > now()) return t;
    const o = own.get(provider);
    if (o && o.until <= now()) own.delete(provider);
    return undefined;
  }

  /** Logs the first failure of a run of them (and the recovery), not every poll's. */
  function trouble(what: string, err: unknown) {
    if (stopped) return;
    if (!failing) log?.warn(`shared provider cooldowns: ${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    failing = true;
  }
  function fine() {
    if (failing) log?.info('shared provider cooldowns: Temporal answers again');
    failing = false;
  }

  async function refresh(): Promise<void> {
    const askedAt = now();
    let answer: Record<string, number>;
    try {
      answer = await handle().query(providerCooldownsQuery);
      fine();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) return trouble('query', err);
      answer = {}; // no failure has been signalled yet in this namespace
      fine();
    }
    const next = new Map<string, number>();
    for (const [provider, t] of Object.entries(answer)) {
      if (typeof t !== 'number' || t <= now()) continue; // ended ones (compared with this worker's clock)
      // A recovery this worker signalled after the query was asked is newer than the answer.
      if ((recovered.get(provider) ?? -Infinity) >= askedAt) continue;
      next.set(provider, t);
    }
    shared = next;
    // An answer asked after a signal was delivered includes it: from then on the workflow's word stands.
    for (const [provider, f] of own) if (f.deliveredAt <= askedAt || f.until <= now()) own.delete(provider);
    for (const [provider, at] of recovered) if (at < askedAt) recovered.delete(provider);
  }

  function schedule() {
    if (!running) return;
    timer = setTimeout(() => void refresh().finally(schedule), pollMs);
    timer.unref();
  }

  return {
    until,
    coolingDown: (provider) => until(provider) !== undefined,
    reportFailure(provider, ms, reason) {
      if (stopped || !(ms > 0)) return;
      const failure: ProviderFailure = { provider, until: now() + ms, ...(reason !== undefined ? { reason } : {}) };
      const mine: OwnFailure = { until: Math.max(failure.until, own.get(provider)?.until ?? 0), deliveredAt: Infinity };
      own.set(provider, mine);
      recovered.delete(provider);
      // In a promise from the start: not even a synchronous throw of the client reaches the LLM call.
      Promise.resolve()
        .then(() =>
          opts.client.workflow.signalWithStart(WORKFLOW_TYPES.providerHealth, {
            workflowId: PROVIDER_HEALTH_WORKFLOW_ID,
            taskQueue: opts.taskQueue,
            args: [{}],
            signal: providerFailedSignal,
            signalArgs: [failure],
          }),
        )
        .then(
          () => {
            mine.deliveredAt = now();
            fine();
          },
          (err: unknown) => trouble('providerFailed signal', err),
        );
    },
    reportSuccess(provider) {
      if (stopped || until(provider) === undefined) return;
      shared.delete(provider);
      own.delete(provider);
      recovered.set(provider, Infinity);
      Promise.resolve()
        .then(() => handle().signal(providerRecoveredSignal, { provider }))
        .then(
          () => {
            if (recovered.get(provider) === Infinity) recovered.set(provider, now());
            fine();
          },
          (err: unknown) => {
            recovered.delete(provider);
            // No workflow: nothing to recover (its cooldowns ended with it).
            if (!(err instanceof WorkflowNotFoundError)) trouble('providerRecovered signal', err);
          },
        );
    },
    start() {
      if (running || stopped) return;
      running = true;
      void refresh().finally(schedule);
    },
    stop() {
      running = false;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    refresh,
  };
}
