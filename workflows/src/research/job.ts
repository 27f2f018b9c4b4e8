/**
 * `researchJob`: plan → fan out → fan in → synthesise.
 *
 * 1. The planner splits the question into sub-questions (structured output,
 *    validated, re-asked a bounded number of times); never more than
 *    `maxAgents` are kept.
 * 2. The sub-questions run at most 500 at a time. Behind
 *    `patched('research-agent-activities')` (./agent-batches): in
 *    `researchAgentBatch` activities of up to 50 agents (their first model
 *    call; an agent whose first reply asks for tools goes on as a
 *    `researchAgent` child seeded with it). Histories from before the patch:
 *    one `researchAgent` child workflow per sub-question. Above 1,000
 *    sub-tasks the job starts `researchBatch` children of up to 1,000
 *    sub-tasks each instead, sharing the 500 in-flight slots, so no workflow
 *    has more than 1,000 children.
 * 3. Policy: the job succeeds when at least `minSuccessRatio` of the agents
 *    succeed before the deadline; agents still running at the deadline are
 *    cancelled and count as timed out. When the token budget is spent, no
 *    new agent starts and the job goes on with what it has, saying so.
 * 4. The synthesizer writes the report, citing the findings it used.
 *
 * Cancelling the job cancels every running child (and their activities,
 * through heartbeats), waits for them, and ends the job `cancelled` with the
 * partial results kept. The job always returns its final state.
 */
import {
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import { RESEARCH_EVENTS_TOPIC, RESEARCH_LIMITS, researchAgentWorkflowId, researchBatchProgressSignal, researchBatchWorkflowId, researchProgressToSessionSignal, researchStateQuery, researchStopStartingSignal } from '@hub/contracts/research/wire';
import { addUsage, ZERO_USAGE } from '@hub/contracts/agent/wire';
import { WORKFLOW_TYPES } from '@hub/contracts/common/wire';
import type { AgentFinding, ResearchAgentInput, ResearchEvent, ResearchJobInput, ResearchResult, ResearchState, SubTask, TokenUsage } from '@hub/contracts';
import { describeFailure, nowIso } from '../util';
import { BATCH_FINDING_CHARS, type researchBatch } from './batch';
import { cut } from './agent';
import { AGENT_ACTIVITIES_PATCH, runAgentBatches } from './agent-batches';
import { researchBudget } from './budget';
import { BudgetWake } from '../budget-wait';
import { fanOut } from './fan-out';
import { AgentBook } from './job-state';
import { fitPayload } from './job-payload';
import { planResearch } from './planner';
import { watchPolls } from './stream-watch';
import { citedRefs, synthesisInput, synthesize } from './synthesizer';

/**
 * How long a finished job keeps answering stream polls before it closes. Polls waiting at the end are
 * answered at once (`detachPollers`); this only covers subscribers between two polls (100 ms cooldown).
 * Behind the patch, a job whose stream nobody polled closes without it (./stream-watch).
 * A subscriber that still misses the end gets the outcome from the closed job (GET …/events).
 */
export const RESEARCH_STREAM_LINGER = '500 milliseconds';

export async function researchJob(input: ResearchJobInput): Promise<ResearchState> {
  const workflowId = workflowInfo().workflowId;
  const concurrency = input.concurrency ?? RESEARCH_LIMITS.maxInFlight;
  const batchSize = input.batchSize ?? RESEARCH_LIMITS.maxChildrenPerWorkflow;
  const stream = new WorkflowStream();
  const polled = watchPolls(stream);
  // Sub-agents' first calls in batch activities, children only for agents that use tools; no linger for a
  // stream nobody read. Histories from before replay the child-per-agent shape.
  const activityShape = patched(AGENT_ACTIVITIES_PATCH);
  const topic = stream.topic<ResearchEvent>(RESEARCH_EVENTS_TOPIC);
  const session = input.parent ? getExternalWorkflowHandle(input.parent.workflowId) : undefined;
  const pendingToSession: ResearchEvent[] = [];

  let book = new AgentBook([]);
  let usage: TokenUsage = ZERO_USAGE;
  let budgetExhausted = false;
  let deadlinePassed = false;
  let batches = 0;
  const notes: string[] = [];
  const state: ResearchState = {
    id: input.id,
    tenant: input.tenant,
    question: input.question,
    status: 'planning',
    maxAgents: input.maxAgents,
    progress: book.progress(),
    agents: book.agents,
    usage,
    budget: { tokens: input.budget?.tokens, perAgentTokens: input.budget?.perAgentTokens, exhausted: false },
    deadlinePassed: false,
    batches: 0,
    createdAt: input.createdAt,
  };
  const snapshot = (): ResearchState =>
    fitPayload({
      ...state,
      progress: book.progress(),
      agents: book.agents,
      usage,
      budget: { ...state.budget, exhausted: budgetExhausted },
      deadlinePassed,
      batches,
    });
  setHandler(researchStateQuery, snapshot);

  /** Events go to the job's stream; the milestones also to the session that started the job. */
  const emit = (event: ResearchEvent): void => {
    topic.publish(event);
    if (session && event.type !== 'agent.started' && event.type !== 'agent.finished' && event.type !== 'agent.failed') {
      pendingToSession.push(event);
    }
  };
  let lastPercent = -1;
  /** A spent tenant budget: the calls wait for it (`waiting_budget`), unless `waitForBudget: false`. */
  const tenantBudget = researchBudget({ wake: new BudgetWake(), wait: input.waitForBudget !== false, state, emit });
  const emitProgress = (): void => {
    const progress = book.progress();
    if (progress.percent === lastPercent) return;
    lastPercent = progress.percent;
    emit({ type: 'research.progress', progress });
  };
  const addTokens = (u: TokenUsage): void => {
    usage = addUsage(usage, u);
    const cap = input.budget?.tokens;
    if (cap !== undefined && !budgetExhausted && usage.totalTokens >= cap) {
      budgetExhausted = true;
      notes.push(`The token budget (${cap}) was spent after ${usage.totalTokens} tokens; agents not yet started were skipped.`);
      emit({ type: 'research.budget_exhausted', usedTokens: usage.totalTokens, budgetTokens: cap });
    }
  };

  // Progress to the parent session, one signal at a time, in order.
  const forwarder = session
    ? CancellationScope.nonCancellable(async () => {
        for (;;) {
          await condition(() => pendingToSession.length > 0);
          const event = pendingToSession.shift()!;
          await session
            .signal(researchProgressToSessionSignal, { turnId: input.parent!.turnId, toolCallId: input.parent!.toolCallId, jobId: input.id, event })
            .catch((err: unknown) => log.warn('could not report research progress to the session', { error: describeFailure(err) }));
          if (event.type === 'research.done') return;
        }
      })
    : undefined;

  const finish = async (status: ResearchState['status'], error?: string): Promise<ResearchState> => {
    state.status = status;
    if (error !== undefined) state.error = error;
    state.finishedAt = nowIso();
    emit({ type: 'research.done', status, progress: book.progress(), ...(error !== undefined ? { error } : {}) });
    await CancellationScope.nonCancellable(async () => {
      await forwarder;
      // Subscribers read the stream with polls (Updates), which a closed workflow no longer answers.
      if (!activityShape || polled()) await sleep(RESEARCH_STREAM_LINGER);
      stream.detachPollers();
      await condition(allHandlersFinished);
    });
    return snapshot();
  };
  const cancelledNow = (): boolean => CancellationScope.current().consideredCancelled;

  // ---- 1. plan ----
  emit({ type: 'research.planning', question: input.question });
  let tasks: SubTask[];
  try {
    const planned = await planResearch(input.planner, input.question, input.maxAgents, addTokens, tenantBudget.hooks(0));
    if (!planned.ok) return await finish('failed', planned.error);
    const requested = planned.plan.subQuestions.length;
    tasks = planned.plan.subQuestions.slice(0, input.maxAgents).map((q, index) => ({ index, question: q.question, focus: q.focus }));
    if (requested > tasks.length) notes.push(`The planner proposed ${requested} sub-questions; the first ${tasks.length} (maxAgents) were kept.`);
    book = new AgentBook(tasks.map((t) => t.question));
    batches = tasks.length > batchSize ? Math.ceil(tasks.length / batchSize) : 0;
    state.plan = { requested, planned: tasks.length, capped: requested > tasks.length, attempts: planned.attempts };
    emit({
      type: 'research.planned',
      subQuestions: tasks.slice(0, 1_000).map((t) => cut(t.question, 300)),
      requested,
      capped: requested > tasks.length,
      batches,
    });
  } catch (err) {
    if (isCancellation(err)) return await finish('cancelled');
    return await finish('failed', `planning failed: ${describeFailure(err)}`);
  }

  // ---- 2. fan out ----
  state.status = 'running';
  const findings = new Map<number, AgentFinding>();
  let compactSucceeded = 0;
  const agentInput: Omit<ResearchAgentInput, 'task'> = {
    jobId: input.id,
    tenant: input.tenant,
    overallQuestion: input.question,
    profile: input.researcher,
    ...(input.tools ? { tools: input.tools } : {}),
    ...(input.budget?.perAgentTokens ? { perAgentTokens: input.budget.perAgentTokens } : {}),
    ...(input.waitForBudget === false ? { waitForBudget: false } : {}),
  };
  const started = (index: number): void => {
    if (book.set(index, 'running')) emit({ type: 'agent.started', index, question: book.agents[index]!.question });
  };
  const settled = (index: number, status: AgentFinding['status'], totalTokens: number, error?: string): void => {
    // Agents cancelled because the deadline passed timed out; the user's cancel stays `cancelled`.
    const s = status === 'cancelled' && deadlinePassed ? 'timed_out' : status;
    const why = s === 'timed_out' ? `the deadline (${input.deadlineMs} ms) passed` : error;
    if (!book.set(index, s, { totalTokens, ...(why ? { error: why } : {}) })) return;
    if (s === 'succeeded') emit({ type: 'agent.finished', index, totalTokens });
    else emit({ type: 'agent.failed', index, status: s, error: why ?? s });
    emitProgress();
  };

  const fanScope = new CancellationScope();
  const deadlineScope = new CancellationScope();
  if (input.deadlineMs !== undefined) {
    const remaining = Date.parse(input.createdAt) + input.deadlineMs - Date.parse(nowIso());
    void deadlineScope
      .run(() => sleep(Math.max(1, remaining)))
      .then(
        () => {
          deadlinePassed = true;
          notes.push(`The deadline (${input.deadlineMs} ms) passed; agents still running were cancelled.`);
          emit({ type: 'research.deadline', deadlineMs: input.deadlineMs! });
          fanScope.cancel();
        },
        () => undefined,
      );
  }

  // What both fan-out shapes report back: one set of callbacks.
  const progress = {
    mayStart: () => !budgetExhausted,
    budget: tenantBudget,
    onStarted: (t: SubTask) => started(t.index),
    onSettled: (f: AgentFinding) => {
      findings.set(f.index, f);
      addTokens(f.usage);
      settled(f.index, f.status, f.usage.totalTokens, f.error);
    },
  };
  try {
    await fanScope.run(async () => {
      if (batches === 0 && activityShape) {
        await runAgentBatches({
          tasks,
          concurrency,
          parentWorkflowId: workflowId,
          agent: agentInput,
          answerChars: RESEARCH_LIMITS.maxFindingChars,
          ...progress,
        });
      } else if (batches === 0) {
        await fanOut({
          tasks,
          concurrency,
          workflowIdFor: (t) => researchAgentWorkflowId(workflowId, t.index),
          inputFor: (task) => ({ ...agentInput, task }),
          ...progress,
        });
      } else {
        await runBatches();
      }
    });
  } finally {
    deadlineScope.cancel();
  }

  async function runBatches(): Promise<void> {
    const size = batchSize;
    // The batches share the job's in-flight slots.
    const perBatch = Math.max(1, Math.floor(concurrency / batches));
    // No longer than the state and the synthesizer use of each finding at this size (./synthesizer, fitPayload).
    const answerChars = Math.max(200, Math.min(BATCH_FINDING_CHARS, Math.floor(RESEARCH_LIMITS.stateFindingsChars / tasks.length)));
    const batchIds = Array.from({ length: batches }, (_, b) => researchBatchWorkflowId(workflowId, b));
    let stopSent = false;
    setHandler(researchBatchProgressSignal, ({ updates }) => {
      for (const u of updates) {
        if (u.status === 'running') started(u.index);
        else if (u.status !== 'pending' && u.status !== 'skipped') {
          addTokens({ promptTokens: 0, completionTokens: 0, totalTokens: u.totalTokens ?? 0 });
          settled(u.index, u.status, u.totalTokens ?? 0, u.error);
        }
      }
      if (budgetExhausted && !stopSent) {
        stopSent = true;
        for (const id of batchIds) {
          void getExternalWorkflowHandle(id)
            .signal(researchStopStartingSignal, { reason: 'token budget spent' })
            .catch(() => undefined);
        }
      }
    });
    const results = await Promise.allSettled(
      batchIds.map((id, b) =>
        executeChild<typeof researchBatch>(WORKFLOW_TYPES.researchBatch, {
          workflowId: id,
          args: [
            {
              jobWorkflowId: workflowId,
              batch: b,
              agent: agentInput,
              tasks: tasks.slice(b * size, (b + 1) * size),
              concurrency: perBatch,
              // Only what the state and the synthesizer use comes back whole (see fitPayload, synthesisInput).
              ...(activityShape ? { answerChars, fullFindings: Math.ceil(RESEARCH_LIMITS.stateMaxListed / batches) } : {}),
            },
          ],
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.TERMINATE,
        }),
      ),
    );
    for (const [b, r] of results.entries()) {
      if (r.status === 'fulfilled') {
        // The batch's result is authoritative (a progress signal may have been lost with a cancel).
        for (const f of r.value.findings) {
          findings.set(f.index, f);
          settled(f.index, f.status, f.usage.totalTokens, f.error);
        }
        for (const u of r.value.outcomes ?? []) {
          if (u.status === 'pending' || u.status === 'running' || u.status === 'skipped') continue;
          if (u.status === 'succeeded') compactSucceeded += 1;
          settled(u.index, u.status, u.totalTokens ?? 0, u.error);
        }
      } else {
        const why = isCancellation(r.reason) ? 'cancelled' : `batch ${b} failed: ${describeFailure(r.reason)}`;
        for (const t of tasks.slice(b * size, (b + 1) * size)) settled(t.index, 'failed', 0, why);
      }
    }
  }

  // Agents that never started: the budget was spent, the deadline passed, or the job was cancelled.
  const skipReason = cancelledNow() ? 'the job was cancelled' : deadlinePassed ? 'the deadline passed' : 'the token budget was spent';
  for (const a of book.agents) {
    if (a.status === 'pending' && book.set(a.index, 'skipped', { error: `not started: ${skipReason}` })) {
      emit({ type: 'agent.failed', index: a.index, status: 'skipped', error: `not started: ${skipReason}` });
    }
  }
  emitProgress();

  const succeeded = [...findings.values()].filter((f) => f.status === 'succeeded').sort((a, b) => a.index - b.index);
  // Successes a batch reported as outcomes only (large jobs): counted, not listed.
  const successCount = succeeded.length + compactSucceeded;
  const failures = book.agents
    .filter((a) => a.status !== 'succeeded')
    .map((a) => ({ index: a.index, status: a.status, reason: a.error ?? a.status }));
  const successRatio = tasks.length === 0 ? 0 : successCount / tasks.length;
  // With the budget spent, the job goes on with what it has: the ratio counts the agents that ran.
  const ran = tasks.length - book.count('skipped');
  const policyRatio = budgetExhausted && ran > 0 ? successCount / ran : successRatio;
  const policy = { minSuccessRatio: input.minSuccessRatio, successRatio, met: successCount > 0 && policyRatio >= input.minSuccessRatio };
  const partial = (report: string, citations: ResearchResult['citations'] = []): ResearchResult => ({
    report,
    citations,
    findings: succeeded,
    ...(compactSucceeded > 0 ? { findingsOmitted: compactSucceeded } : {}),
    failures,
    policy,
    notes,
  });

  if (cancelledNow()) {
    state.result = partial('');
    return await finish('cancelled', 'cancelled by request; partial results kept');
  }
  if (!policy.met) {
    state.result = partial('');
    return await finish(
      'failed',
      `${successCount} of ${tasks.length} agents succeeded (${Math.round(policyRatio * 100)}%); the policy needs at least ${Math.round(input.minSuccessRatio * 100)}%`,
    );
  }

  // ---- 3. synthesise ----
  state.status = 'synthesizing';
  emit({ type: 'research.synthesizing', findings: succeeded.length });
  const synthesis = synthesisInput(input.question, succeeded, (i) => book.agents[i]?.question ?? '');
  if (synthesis.omitted > 0) notes.push(`${synthesis.omitted} findings did not fit the synthesizer's input and were left out of the report.`);
  try {
    const report = await synthesize(input.synthesizer, synthesis, addTokens, tenantBudget.hooks(0));
    const citations = citedRefs(report, synthesis.refs).map((ref) => {
      const f = synthesis.refs.get(ref)!;
      return { ref, agent: f.index, question: book.agents[f.index]?.question ?? '', sources: f.sources };
    });
    state.result = partial(report, citations);
    return await finish('completed');
  } catch (err) {
    state.result = partial('');
    if (isCancellation(err)) return await finish('cancelled', 'cancelled while synthesizing; partial results kept');
    return await finish('failed', `the synthesizer failed: ${describeFailure(err)}`);
  }
}
