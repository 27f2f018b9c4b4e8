/**
 * `researchAgentBatch`: the first model call of up to 50 research sub-agents in one activity.
 *
 * Shape. Most research sub-agents make one model call: they answer at once. Running each as its own child
 * workflow cost about 11 history events and several workflow tasks per agent; here K agents' calls run
 * concurrently (at most `concurrency` at once) inside one activity, and the job's history gets three events
 * per batch. The rule for tools: every agent's first call offers its tools, exactly as the agent loop would
 * (`toolAllow` of the profile). A reply without tool calls is the agent's finding (as is a reply whose tokens
 * spent the agent's budget: the loop would stop there too). A reply with tool calls escalates the agent: the
 * workflow starts a `researchAgent` child seeded with that reply (`seed`), which runs the calls and goes on
 * with the loop, so no model call is made twice. A seed too large to carry is dropped and the child asks
 * again.
 *
 * Durability. Each finished agent is recorded in the activity's heartbeat details (sent within the worker's
 * heartbeat throttle, 250 ms). A retry (worker killed, attempt failed) reads
 * `Context.current().info.heartbeatDetails` and calls the model only for the agents not recorded, so a crash
 * repeats at most the calls that were in flight. Each agent's request carries its own idempotency key,
 * `<parent workflow>/agent/<i>/research/llm/0`, the key the `researchAgent` child used for the same call.
 *
 * Errors. A rejected request (non-retryable: HTTP 4xx, payload too large) fails that agent only. A retryable
 * failure (model unavailable) lets the other calls in flight finish, records them, and fails the attempt so
 * Temporal retries it with backoff; once the activity has run for {@link RETRYABLE_FOR_MS}, retryable
 * failures fail their agents instead, so a batch always ends with every finished agent's result.
 *
 * Cancellation (job cancelled, deadline): it reaches the activity through its heartbeats and aborts the calls
 * in flight; the activity returns the finished agents' findings and the others as `cancelled`.
 *
 * The tool catalogue is listed once per attempt for the whole batch (`listTools`; its agents share profile,
 * tools and tenant). The model calls reuse `createLlmActivities().llmComplete` (limits, error classes), each
 * inside its own activity context (`asyncLocalStorage`) whose activity id names the agent (idempotency key)
 * and whose heartbeats carry the batch's details.
 */
import { Context, asyncLocalStorage, type Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  BUDGET_EXHAUSTED,
  RESEARCH_LIMITS,
  ZERO_USAGE,
  type BudgetExhaustedDetails,
  agentFirstMessage,
  cutText,
  researchAgentWorkflowId,
  type AgentFinding,
  type AgentSeed,
  type ListToolsRequest,
  type LlmRequest,
  type LlmResponse,
  type ResearchActivities,
  type ResearchAgentBatchInput,
  type ResearchAgentBatchResult,
  type SubTask,
  type ToolSpec,
} from '@hub/contracts';
import { countResearchAgent } from '../llm/llm-metrics';

/** After this long (since the activity was first scheduled), a retryable failure fails its agent rather than the attempt. */
export const RETRYABLE_FOR_MS = 5 * 60_000;
/** Heartbeats with the batch's details go out at most this often (the worker throttles them further, 250 ms). */
const DETAILS_EVERY_MS = 100;
/** Before an attempt fails, long enough for the worker to send its last details (its throttle is 250 ms). */
const FLUSH_BEFORE_FAILING_MS = 350;

export interface ResearchActivityDeps {
  /** From `createLlmActivities` (the same model client as the session's calls). */
  llmComplete(req: LlmRequest): Promise<LlmResponse>;
  /**
   * The worker's tool catalogue (`createToolActivities().listTools`): listed once per attempt for all the
   * batch's agents (they share profile, tools and tenant). Without it each call resolves it (`toolAllow`).
   */
  listTools?: (req: ListToolsRequest, opts?: { onUnavailable?: (u: { server: string; error: string; cached: boolean }) => void }) => Promise<ToolSpec[]>;
}

/** What a batch records in its heartbeat details. */
interface BatchDetails {
  findings: AgentFinding[];
  escalated: ResearchAgentBatchResult['escalated'];
}

type Outcome =
  | { kind: 'finding'; finding: AgentFinding }
  | { kind: 'escalated'; index: number; seed?: AgentSeed }
  | { kind: 'retry'; error: unknown }
  | { kind: 'budget'; index: number; details: BudgetExhaustedDetails };

/** The details of a `BudgetExhausted` failure (the tenant's budget is spent), else undefined. */
function budgetDetails(err: unknown): BudgetExhaustedDetails | undefined {
  if (!(err instanceof ApplicationFailure) || err.type !== BUDGET_EXHAUSTED) return undefined;
  return err.details?.[0] as BudgetExhaustedDetails | undefined;
}

function failureType(err: unknown): string | undefined {
  return err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined;
}
function isRetryable(err: unknown): boolean {
  if (err instanceof ApplicationFailure) return !err.nonRetryable;
  return !(err instanceof CancelledFailure);
}
function message(err: unknown): string {
  const type = failureType(err);
  const text = err instanceof Error ? err.message : String(err);
  return type ? `${type}: ${text}` : text;
}

function previousDetails(info: Info): BatchDetails | undefined {
  const d = info.heartbeatDetails as Partial<BatchDetails> | undefined;
  return d && Array.isArray(d.findings) && Array.isArray(d.escalated) ? { findings: d.findings, escalated: d.escalated } : undefined;
}

/**
 * A context for one agent's model call: the agent's workflow id and activity id (so the idempotency key is the
 * one the agent's own workflow gives its first call), the batch's cancellation, and heartbeats that carry the
 * batch's details.
 */
function laneContext(ctx: Context, workflowId: string, beat: () => void): Context {
  const internals = ctx as unknown as { _client: unknown; _cancellationDetails: unknown };
  return new Context(
    { ...ctx.info, activityId: 'research/llm/0', workflowExecution: { runId: ctx.info.workflowExecution?.runId ?? '', workflowId } },
    ctx.cancelled,
    ctx.cancellationSignal,
    () => beat(),
    internals._client as ConstructorParameters<typeof Context>[4],
    ctx.log,
    ctx.metricMeter,
    internals._cancellationDetails as ConstructorParameters<typeof Context>[7],
  );
}

export function createResearchActivities(deps: ResearchActivityDeps): ResearchActivities {
  async function researchAgentBatch(input: ResearchAgentBatchInput): Promise<ResearchAgentBatchResult> {
    const ctx = Context.current();
    const info = ctx.info;
    const done: BatchDetails = previousDetails(info) ?? { findings: [], escalated: [] };
    const finished = new Set([...done.findings.map((f) => f.index), ...done.escalated.map((e) => e.index)]);

    let dirty = true;
    const sendDetails = (): void => {
      dirty = false;
      ctx.heartbeat(done);
    };
    sendDetails();
    // New results go out within DETAILS_EVERY_MS; without any, a keep-alive (the same details) every second.
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
      if (dirty || ticks % 10 === 0) sendDetails();
    }, DETAILS_EVERY_MS);
    timer.unref();
    const beat = (): void => {
      if (dirty) sendDetails();
    };

    const firstScheduled = info.scheduledTimestampMs;
    const mayRetry = (): boolean => Date.now() - firstScheduled < RETRYABLE_FOR_MS;
    const { profile } = input.agent;
    const mayUseTools = profile.tools.length > 0 && profile.maxToolRounds > 0;
    const toolAllow: ListToolsRequest = { allow: profile.tools, alsoAllow: input.agent.tools, tenant: input.agent.tenant };
    // One listing for the whole batch (a fan-out would otherwise list the catalogue once per agent).
    const catalogue: ToolSpec[] | undefined =
      mayUseTools && deps.listTools
        ? await deps.listTools(toolAllow, { onUnavailable: (u) => ctx.log.warn('MCP server unavailable for a research batch', { ...u }) })
        : undefined;

    async function runAgent(task: SubTask): Promise<Outcome> {
      const workflowId = researchAgentWorkflowId(input.parentWorkflowId, task.index);
      const base = { index: task.index, workflowId, toolCalls: [], sources: [] };
      const req: LlmRequest = {
        model: profile.model,
        agent: profile.name,
        ...(input.agent.waitForBudget === false ? { budgetWait: false } : {}),
        // The lane's context names the agent's workflow id; the ledger wakes the workflow running this batch.
        ...(info.workflowExecution?.workflowId ? { wake: info.workflowExecution.workflowId } : {}),
        temperature: profile.temperature,
        systemPrompt: profile.systemPrompt,
        messages: [agentFirstMessage({ overallQuestion: input.agent.overallQuestion, task })],
        tools: catalogue ?? [],
        ...(mayUseTools && !catalogue ? { toolAllow } : {}),
        ...(profile.outputSchema ? { responseFormat: { name: profile.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer', schema: profile.outputSchema } } : {}),
      };
      try {
        const lane = laneContext(ctx, workflowId, beat);
        const res = await asyncLocalStorage.run(lane, () => deps.llmComplete(req));
        const budget = input.agent.perAgentTokens;
        const budgetSpent = budget !== undefined && res.usage.totalTokens >= budget;
        if (res.toolCalls.length > 0 && mayUseTools && !budgetSpent) {
          const seed: AgentSeed = { content: res.content, toolCalls: res.toolCalls, usage: res.usage, offeredTools: res.offeredTools ?? catalogue ?? [] };
          return JSON.stringify(seed).length <= RESEARCH_LIMITS.maxSeedChars ? { kind: 'escalated', index: task.index, seed } : { kind: 'escalated', index: task.index };
        }
        return {
          kind: 'finding',
          finding: {
            ...base,
            status: 'succeeded',
            answer: cutText(res.content, input.answerChars),
            usage: res.usage,
            ...(budgetSpent && res.toolCalls.length > 0 ? { budgetExhausted: true } : {}),
          },
        };
      } catch (err) {
        const spent = budgetDetails(err);
        if (spent) return { kind: 'budget', index: task.index, details: spent };
        if (ctx.cancellationSignal.aborted || err instanceof CancelledFailure) {
          return { kind: 'finding', finding: { ...base, status: 'cancelled', error: 'cancelled', usage: ZERO_USAGE } };
        }
        if (isRetryable(err) && mayRetry()) return { kind: 'retry', error: err };
        return { kind: 'finding', finding: { ...base, status: 'failed', error: message(err), usage: ZERO_USAGE } };
      }
    }

    const record = (o: Outcome): void => {
      if (o.kind === 'finding') done.findings.push(o.finding);
      else if (o.kind === 'escalated') done.escalated.push(o.seed ? { index: o.index, seed: o.seed } : { index: o.index });
      if (o.kind === 'budget') {
        budget ??= { pending: [], scope: o.details.scope, resetsAt: o.details.resetsAt };
        budget.pending.push(o.index);
      } else if (o.kind !== 'retry') {
        dirty = true;
        beat();
      }
    };
    /** The tenant's budget is spent: agents not started yet make no call and come back as pending. */
    let budget: ResearchAgentBatchResult['budget'];

    const todo = input.tasks.filter((t) => !finished.has(t.index));
    let next = 0;
    let retryError: unknown;
    const lanes = Array.from({ length: Math.max(1, Math.min(input.concurrency, todo.length)) }, async () => {
      while (next < todo.length) {
        const task = todo[next++]!;
        if (budget) {
          budget.pending.push(task.index);
          continue;
        }
        if (ctx.cancellationSignal.aborted) {
          record({ kind: 'finding', finding: { index: task.index, workflowId: researchAgentWorkflowId(input.parentWorkflowId, task.index), status: 'cancelled', error: 'cancelled', toolCalls: [], sources: [], usage: ZERO_USAGE } });
          continue;
        }
        const o = await countResearchAgent(() => runAgent(task));
        if (o.kind === 'retry') retryError ??= o.error;
        record(o);
      }
    });
    try {
      await Promise.all(lanes);
      if (retryError !== undefined) {
        // The finished agents must be on the server before the attempt fails: the retry skips them.
        sendDetails();
        await new Promise((r) => setTimeout(r, FLUSH_BEFORE_FAILING_MS));
        throw ApplicationFailure.create({ type: failureType(retryError) ?? 'LlmUnavailable', message: `a model call will be retried: ${message(retryError)}`, cause: retryError instanceof Error ? retryError : undefined });
      }
      return {
        findings: [...done.findings].sort((a, b) => a.index - b.index),
        escalated: [...done.escalated].sort((a, b) => a.index - b.index),
        ...(budget ? { budget: { ...budget, pending: [...budget.pending].sort((a, b) => a - b) } } : {}),
      };
    } finally {
      clearInterval(timer);
    }
  }

  return { researchAgentBatch };
}
