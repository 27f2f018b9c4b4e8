/**
 * Research: submit a question (number of agents, success policy), follow a job
 * live (progress bar, the sub-agents' grid, failures with reasons), read the
 * report (Markdown, with [n] citations linking to the cited sub-agent's
 * finding), cancel.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ResearchEvent } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { follow, messageOf, must, type Schema } from './api';
import { parseJson, shortTime } from './format';
import { renderReport } from './markdown';
import { navigate } from './nav';
import { ErrorText } from './ui';

type Job = Schema<'ResearchJob'>;
type JobSummary = Schema<'ResearchSummary'>;

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

export function ResearchScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      setJobs(must(await client.GET('/v1/research', { params: { query: { limit: 50 } } })).jobs);
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [client]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <div class="split">
      <section class="sidebar" aria-labelledby="research-heading">
        <h2 id="research-heading">Research</h2>
        <NewJobForm
          client={client}
          onStarted={(id, question) => {
            setJobs((j) => [{ id, question, status: 'running', startTime: new Date().toISOString() }, ...j.filter((x) => x.id !== id)]);
            navigate('research', id);
          }}
        />
        <div class="row">
          <h3>Jobs</h3>
          <button type="button" class="secondary" onClick={() => void refresh()} aria-label="Refresh the job list">
            ↻
          </button>
        </div>
        <ErrorText error={error} />
        <ul class="list" aria-label="Research jobs">
          {jobs.length === 0 && <li class="muted">No jobs yet.</li>}
          {jobs.map((j) => (
            <li key={j.id} class={j.id === selected ? 'current' : ''}>
              <a href={`#/research/${encodeURIComponent(j.id)}`} aria-current={j.id === selected ? 'true' : undefined}>
                <span class="name">{j.question}</span>
                <span class={`badge ${j.status}`}>{j.status}</span>
              </a>
              <div class="muted small">{shortTime(j.startTime)}</div>
            </li>
          ))}
        </ul>
      </section>
      <section class="content" aria-label="Research job">
        {selected ? (
          <JobView
            key={selected}
            client={client}
            id={selected}
            onChange={(status) => {
              // The list comes from Temporal visibility (eventually consistent): show the outcome the job told us.
              if (status) setJobs((list) => list.map((j) => (j.id === selected ? { ...j, status: status === 'completed' ? 'finished' : status } : j)));
              else void refresh();
            }}
          />
        ) : (
          <p class="muted">Ask a question to start a job, or pick one.</p>
        )}
      </section>
    </div>
  );
}

function NewJobForm({ client, onStarted }: { client: HubClient; onStarted: (id: string, question: string) => void }) {
  const [question, setQuestion] = useState('');
  const [agents, setAgents] = useState(5);
  const [ratio, setRatio] = useState(0.5);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const started = must(await client.POST('/v1/research', { body: { question: question.trim(), maxAgents: agents, policy: { minSuccessRatio: ratio } } }));
      setQuestion('');
      setError(undefined);
      onStarted(started.id, question.trim());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit} aria-label="New research job">
      <label for="rq">Question</label>
      <textarea id="rq" rows={3} required value={question} onInput={(e) => setQuestion(e.currentTarget.value)} />
      <div class="row">
        <span class="field">
          <label for="ragents">Agents</label>
          <input id="ragents" type="number" min={1} max={10000} required value={agents} onInput={(e) => setAgents(Number(e.currentTarget.value))} />
        </span>
        <span class="field">
          <label for="rratio">Min. success ratio</label>
          <input id="rratio" type="number" min={0} max={1} step={0.05} required value={ratio} onInput={(e) => setRatio(Number(e.currentTarget.value))} />
        </span>
      </div>
      <button type="submit" disabled={busy || !question.trim()}>
        Start research
      </button>
      <ErrorText error={error} />
    </form>
  );
}

function JobView({ client, id, onChange }: { client: HubClient; id: string; onChange: (finished?: 'completed' | 'failed' | 'cancelled') => void }) {
  const [job, setJob] = useState<Job>();
  const [conn, setConn] = useState('connecting');
  const [error, setError] = useState<string>();
  const [live, setLive] = useState<string>();
  const reportRef = useRef<HTMLDivElement>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const load = useCallback(async () => {
    try {
      const j = must(await client.GET('/v1/research/{id}', { params: { path: { id } } }));
      setJob(j);
      return j;
    } catch (err) {
      setError(messageOf(err));
      return undefined;
    }
  }, [client, id]);

  useEffect(() => {
    const ctrl = new AbortController();
    void load();
    // Events say what changed; the state (GET) has the details. Refetch at most twice a second.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void load();
      }, 500);
    };
    void follow(client, '/v1/research/{id}/events', id, {
      signal: ctrl.signal,
      onStatus: (s, detail) => {
        setConn(detail ? `${s}: ${detail}` : s);
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
        if (ev.type === 'research.synthesizing') setLive(`Writing the report from ${ev.findings} findings…`);
        if (ev.type === 'research.done') {
          setLive(`Job ${ev.status}.`);
          if (ev.status === 'completed' || ev.status === 'failed' || ev.status === 'cancelled') onChangeRef.current(ev.status);
        }
        soon();
      },
    });
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [client, id, load]);

  const cancel = async () => {
    try {
      must(await client.POST('/v1/research/{id}/cancel', { params: { path: { id } } }));
      setLive('Cancelling…');
      void load();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const onReportClick = (e: MouseEvent) => {
    const a = (e.target as Element | null)?.closest?.('a.cite');
    if (!a) return;
    e.preventDefault();
    const target = document.getElementById(`finding-${a.getAttribute('data-agent')}`);
    if (target instanceof HTMLDetailsElement) target.open = true;
    target?.scrollIntoView?.({ block: 'start' });
    target?.focus();
  };

  if (!job) {
    return error ? <ErrorText error={error} /> : <p class="muted">Loading…</p>;
  }
  const p = job.progress;
  const done = FINISHED.has(job.status);
  const result = job.result;
  const failures = result?.failures ?? job.agents.filter((a) => a.error).map((a) => ({ index: a.index, status: a.status, reason: a.error ?? '' }));
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
      <ErrorText error={job.error} />
      <p class="small muted">
        Tokens: {job.usage.totalTokens}
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

      {result && (
        <>
          <h3>Report</h3>
          <p class="small muted">
            Success ratio {Math.round(result.policy.successRatio * 100)}% (needed {Math.round(result.policy.minSuccessRatio * 100)}%)
            {result.policy.met ? '' : ' — policy not met'}
          </p>
          {result.report ? (
            <div class="report" ref={reportRef} onClick={onReportClick} dangerouslySetInnerHTML={{ __html: renderReport(result.report, result.citations) }} />
          ) : (
            <p class="muted">No report.</p>
          )}
          {result.notes.length > 0 && (
            <ul class="small muted">
              {result.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
          {result.findings.length > 0 && <h3>Sub-results</h3>}
          <div class="findings">
            {result.findings.slice(0, 200).map((f) => {
              const refs = result.citations.filter((c) => c.agent === f.index).map((c) => `[${c.ref}]`);
              return (
                <details key={f.index} id={`finding-${f.index}`} tabIndex={-1} open={refs.length > 0}>
                  <summary>
                    {refs.join(' ')} Agent #{f.index + 1}: {job.agents[f.index]?.question ?? ''}
                  </summary>
                  <p>{f.answer ?? f.error}</p>
                  {f.toolCalls.length > 0 && <p class="small muted">Tools: {f.toolCalls.map((t) => `${t.tool}${t.ok ? '' : ' (failed)'}`).join(', ')}</p>}
                  {f.sources.length > 0 && (
                    <ul class="small">
                      {f.sources.map((s) => (
                        <li key={s}>{s}</li>
                      ))}
                    </ul>
                  )}
                </details>
              );
            })}
            {result.findings.length > 200 && <p class="muted small">… and {result.findings.length - 200} more findings</p>}
          </div>
        </>
      )}
    </div>
  );
}
