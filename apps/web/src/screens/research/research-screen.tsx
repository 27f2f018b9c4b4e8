/**
 * Research: submit a question (number of agents, success policy), the list of
 * jobs, and the selected job followed live (see ./job-view).
 */
import { apiStatusOf } from '@hub/contracts/common/wire';
import type { HubClient } from '@hub/gateway/client';
import { must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { shortTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { navigate } from '../../nav';
import { JobView } from './job-view';
import { NewJobForm } from './new-job-form';

type JobSummary = Schema<'ResearchSummary'>;

export function ResearchScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const list = useResource(async () => must(await client.GET('/v1/research', { params: { query: { limit: 50 } } })).jobs, [client]);
  const jobs: JobSummary[] = list.data ?? [];
  const setJobs = list.setData;

  return (
    <div class="split">
      <section class="sidebar" aria-labelledby="research-heading">
        <h2 id="research-heading">Research</h2>
        <NewJobForm
          client={client}
          onStarted={(id, question) => {
            setJobs((j) => [{ id, question, status: 'running', startTime: new Date().toISOString() }, ...(j ?? []).filter((x) => x.id !== id)]);
            navigate('research', id);
          }}
        />
        <div class="row">
          <h3>Jobs</h3>
          <button type="button" class="secondary" onClick={() => void list.reload()} aria-label="Refresh the job list">
            ↻
          </button>
        </div>
        <ErrorText error={list.error} />
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
              if (status) setJobs((l) => l?.map((j) => (j.id === selected ? { ...j, status: apiStatusOf('research', status) } : j)));
              else void list.reload();
            }}
          />
        ) : (
          <p class="muted">Ask a question to start a job, or pick one.</p>
        )}
      </section>
    </div>
  );
}
