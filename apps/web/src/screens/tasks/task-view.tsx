/** A saga task followed live: each step, its compensation and their status; approve or deny a step that waits; cancel. */
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must } from '../../api';
import { ErrorText } from '../../components/error-text';
import { useCoalesced } from '../../hooks/use-coalesced';
import { useEventStream } from '../../hooks/use-event-stream';
import { useResource } from '../../hooks/use-resource';

const ENDED = new Set(['completed', 'failed', 'compensated', 'compensation_failed']);

export function TaskView({ client, id }: { client: HubClient; id: string }) {
  const { data: task, error, setError, reload: load } = useResource(async () => must(await client.GET('/v1/tasks/{id}', { params: { path: { id } } })), [client, id]);
  // Events say what changed; the task's state (GET) has the details.
  const soon = useCoalesced(() => void load(), 300, [client, id]);
  const conn = useEventStream(client, '/v1/tasks/{id}/events', id, {
    onStatus: (s) => {
      if (s === 'ended') void load();
    },
    onMessage: soon,
  });

  const cancel = async () => {
    try {
      must(await client.POST('/v1/tasks/{id}/cancel', { params: { path: { id } } }));
      void load();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const decide = async (approvalId: string, approve: boolean) => {
    try {
      must(
        await client.POST('/v1/tasks/{id}/approvals/{approvalId}', {
          params: { path: { id, approvalId } },
          body: { approve, ...(approve ? {} : { reason: 'denied in the web UI' }) },
        }),
      );
      void load();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  if (!task) {
    return error ? <ErrorText error={error} /> : <p class="muted">Loading…</p>;
  }
  return (
    <div class="task" data-status={task.status}>
      <div class="row header">
        <h2 class="mono">{task.id}</h2>
        <span class={`badge ${task.status}`} data-testid="task-status">
          {task.status}
        </span>
        {!ENDED.has(task.status) && (
          <button type="button" class="danger" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      <p class="muted small" data-testid="connection">
        {conn}
        {task.cancelled ? ' · cancelled' : ''}
      </p>
      <ErrorText error={task.error} />
      {(task.pendingApprovals ?? []).map((a) => (
        <div class="approval" key={a.approvalId} data-testid="task-approval">
          <p>
            Step {a.index + 1} wants to call <span class="mono">{a.tool}</span> (expires {new Date(a.expiresAt).toLocaleTimeString()}):
          </p>
          <pre class="small">{a.arguments}</pre>
          <button type="button" onClick={() => void decide(a.approvalId, true)}>
            Approve
          </button>{' '}
          <button type="button" class="danger" onClick={() => void decide(a.approvalId, false)}>
            Deny
          </button>
        </div>
      ))}
      <table class="steps">
        <caption class="visually-hidden">Steps and compensations</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">Compensation</th>
          </tr>
        </thead>
        <tbody>
          {task.steps.map((s) => (
            <tr key={s.index} class={s.status}>
              <td>{s.index + 1}</td>
              <td>
                <span class="mono">{s.tool}</span>
                {s.result && <pre class="small">{s.result}</pre>}
                {s.error && <div class="error small">{s.error}</div>}
                {s.outcomeUnknown && <div class="muted small">outcome unknown: compensated in case it took effect</div>}
              </td>
              <td>
                <span class={`badge ${s.status}`}>{s.status}</span>
              </td>
              <td>
                {s.compensation ? (
                  <>
                    <span class="mono">{s.compensation.tool}</span> <span class={`badge ${s.compensation.status}`}>{s.compensation.status}</span>
                    {s.compensation.result && <pre class="small">{s.compensation.result}</pre>}
                    {s.compensation.error && <div class="error small">{s.compensation.error}</div>}
                  </>
                ) : (
                  <span class="muted small">none</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
