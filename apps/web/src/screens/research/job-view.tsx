/**
 * A research job followed live: progress bar, the sub-agents' grid, failures
 * with reasons, cancel; its report when done (./job-report). Events say what
 * changed; the job's state (GET) has the details.
 */
import { useRef, useState } from 'preact/hooks';
import type { ResearchEvent, ResearchStatus } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must } from '../../api';
import { ErrorText } from '../../components/error-text';
import { costText, parseJson, shortTime } from '../../format';
import { useCoalesced } from '../../hooks/use-coalesced';
import { useEventStream } from '../../hooks/use-event-stream';
import { useResource } from '../../hooks/use-resource';
import { JobReport } from './job-report';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** The line a budget event of the job shows. */
export function researchBudgetText(ev: Extract<ResearchEvent, { type: 'budget.waiting' | 'budget.resumed' }>): string {
  if (ev.type === 'budget.resumed') return `Budget available again: ${ev.agents} sub-agent${ev.agents === 1 ? '' : 's'} resumed.`;
  const whose = ev.scope === 'agent' ? "the agent's" : "the tenant's";
  return `Waiting for budget: ${whose} budget is spent; ${ev.agents} sub-agent${ev.agents === 1 ? '' : 's'} wait; resumes on a top-up or at ${shortTime(ev.resetsAt)}.`;
}

export function JobView({ client, id, onChange }: { client: HubClient; id: string; onChange: (finished?: 'completed' | 'failed' | 'cancelled') => void }) {
  const { data: job, setData: setJob, error, setError, reload: load } = useResource(
    async () => must(await client.GET('/v1/research/{id}', { params: { path: { id } } })),
    [client, id],
  );
  const [live, setLive] = useState<string>();
  // The job's budget events (waiting, resumed), the last few.
  const [budgetNotes, setBudgetNotes] = useState<string[]>([]);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  // Refetch the state at most twice a second.
  const soon = useCoalesced(() => void load(), 500, [client, id]);
  const conn = useEventStream(client, '/v1/research/{id}/events', id, {
    onStatus: (s) => {
      if (s === 'ended' || s === 'error') {
        void load();
        onChangeRef.current();
      }
    },
    onMessage: (msg) => {
      const ev = parseJson<ResearchEvent>(msg.data);
      if (!ev || typeof ev.type !== 'string') return;
      if (ev.type === 'research.progress' || ev.type === 'research.done') {
        const progress = ev.progress;
        setJob((j) => (j ? { ...j, progress, ...(ev.type === 'research.done' ? { status: ev.status } : {}) } : j));
      }
      if (ev.type === 'research.planned') setLive(`Planned ${ev.subQuestions.length} sub-questions.`);
      if (ev.type === 'budget.waiting' || ev.type === 'budget.resumed') {
        setBudgetNotes((n) => [...n, researchBudgetText(ev)].slice(-10));
        const status: ResearchStatus = ev.type === 'budget.waiting' ? 'waiting_budget' : 'running';
        setJob((j) => (j && !FINISHED.has(j.status) ? { ...j, status } : j));
      }
      if (ev.type === 'research.synthesizing') setLive(`Writing the report from ${ev.findings} findings…`);
      if (ev.type === 'research.done') {
        setLive(`Job ${ev.status}.`);
        if (ev.status === 'completed' || ev.status === 'failed' || ev.status === 'cancelled') onChangeRef.current(ev.status);
      }
      soon();
    },
  });

  const cancel = async () => {
    try {
      must(await client.POST('/v1/research/{id}/cancel', { params: { path: { id } } }));
      setLive('Cancelling…');
      void load();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  if (!job) {
    return error ? <ErrorText error={error} /> : <p class="muted">Loading…</p>;
  }
  const p = job.progress;
  const done = FINISHED.has(job.status);
  const failures = job.result?.failures ?? job.agents.filter((a) => a.error).map((a) => ({ index: a.index, status: a.status, reason: a.error ?? '' }));
  return (
    <div class="job" data-status={job.status}>
      <div class="row header">
        <h2>{job.question}</h2>
        <span class={`badge ${job.status}`} data-testid="job-status">
          {job.status}
        </span>
        {!done && (
          <button type="button" class="danger" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      <p class="muted small">
        <span class="mono">{job.id}</span> · started {shortTime(job.createdAt)}
        {job.finishedAt ? ` · finished ${shortTime(job.finishedAt)}` : ''} · <span data-testid="connection">{conn}</span>
      </p>
      <div class="progress-line">
        <progress max={100} value={p.percent} aria-label="Progress">
          {Math.round(p.percent)}%
        </progress>
        <span class="small">
          {Math.round(p.percent)}% · {p.succeeded} succeeded, {p.failed} failed, {p.running} running, {p.pending} pending of {p.total}
        </span>
      </div>
      <p class="small" aria-live="polite">
        {live}
      </p>
      {job.status === 'waiting_budget' && budgetNotes.length === 0 && (
        <p class="note small">Waiting for budget: the tenant's budget is spent; resumes on a top-up or at the next period.</p>
      )}
      {budgetNotes.length > 0 && (
        <ul class="small" aria-label="Budget events" data-testid="budget-events">
          {budgetNotes.map((n, i) => (
            <li key={i} class="note">
              {n}
            </li>
          ))}
        </ul>
      )}
      <ErrorText error={job.error} />
      <p class="small muted">
        Tokens: {job.usage.totalTokens}
        {costText(job.usage)}
        {job.budget.tokens ? ` of a ${job.budget.tokens} budget` : ''}
        {job.budget.exhausted ? ' (budget exhausted)' : ''}
        {job.deadlinePassed ? ' · deadline passed' : ''}
      </p>

      <h3>Sub-agents</h3>
      {job.agents.length === 0 ? (
        <p class="muted small">{job.status === 'planning' ? 'Planning…' : 'No sub-agents.'}</p>
      ) : (
        <ul class="grid" aria-label="Sub-agents">
          {job.agents.slice(0, 500).map((a) => (
            <li key={a.index} class={`agent ${a.status}`} title={a.question}>
              <span class="idx">#{a.index + 1}</span> <span class="agent-status">{a.status}</span>
              <span class="q small">{a.question}</span>
            </li>
          ))}
          {job.agents.length > 500 && <li class="muted small">… and {job.agents.length - 500} more</li>}
        </ul>
      )}

      {failures.length > 0 && (
        <>
          <h3>Failures</h3>
          <ul class="failures">
            {failures.map((f) => (
              <li key={f.index}>
                Agent #{f.index + 1}: <strong>{f.status}</strong> — {f.reason}
              </li>
            ))}
          </ul>
        </>
      )}

      {job.result && <JobReport job={job} result={job.result} />}
    </div>
  );
}
