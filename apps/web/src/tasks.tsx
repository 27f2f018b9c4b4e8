/**
 * Tasks: saga tasks with each step, its compensation and their status, live
 * over the task's event stream; start one (steps as JSON), cancel one.
 *
 * The API lists no tasks: this screen keeps the ids of tasks started or looked
 * up here in this browser's localStorage.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { follow, messageOf, must, type Schema } from './api';
import { navigate } from './nav';
import { ErrorText } from './ui';

type Task = Schema<'Task'>;
type CreateTask = Schema<'CreateTask'>;

const TASKS_KEY = 'hub.tasks';
const ENDED = new Set(['completed', 'failed', 'compensated', 'compensation_failed']);

function knownTasks(): string[] {
  try {
    return (JSON.parse(localStorage.getItem(TASKS_KEY) ?? '[]') as string[]).filter((x) => typeof x === 'string');
  } catch {
    return [];
  }
}
function remember(id: string): string[] {
  const next = [id, ...knownTasks().filter((x) => x !== id)].slice(0, 50);
  try {
    localStorage.setItem(TASKS_KEY, JSON.stringify(next));
  } catch {
    /* storage unavailable */
  }
  return next;
}

const EXAMPLE: CreateTask = {
  steps: [
    { tool: 'calculator', args: { expression: '6 * 7' }, compensate: { tool: 'calculator', args: { expression: '0 * 7' } } },
    { tool: 'calculator', args: { expression: '1 + 1' } },
  ],
};

export function TasksScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const [ids, setIds] = useState(knownTasks);
  const [lookup, setLookup] = useState('');
  const [steps, setSteps] = useState(() => JSON.stringify(EXAMPLE, null, 2));
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (selected && !ids.includes(selected)) setIds(remember(selected));
  }, [selected, ids]);

  const start = async (e: Event) => {
    e.preventDefault();
    try {
      const body = JSON.parse(steps) as CreateTask;
      const started = must(await client.POST('/v1/tasks', { body }));
      setIds(remember(started.id));
      setError(undefined);
      navigate('tasks', started.id);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div class="split">
      <section class="sidebar" aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Tasks</h2>
        <p class="small muted">The API has no task list: these are the tasks started or looked up in this browser.</p>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (lookup.trim()) navigate('tasks', lookup.trim());
            setLookup('');
          }}
        >
          <label for="task-id">Task id</label>
          <input id="task-id" value={lookup} onInput={(e) => setLookup(e.currentTarget.value)} />
          <button type="submit">Open</button>
        </form>
        <ul class="list" aria-label="Tasks">
          {ids.length === 0 && <li class="muted">No tasks yet.</li>}
          {ids.map((id) => (
            <li key={id} class={id === selected ? 'current' : ''}>
              <a class="mono" href={`#/tasks/${encodeURIComponent(id)}`} aria-current={id === selected ? 'true' : undefined}>
                {id}
              </a>
            </li>
          ))}
        </ul>
        <details>
          <summary>Start a task</summary>
          <form class="stack" onSubmit={start} aria-label="Start a task">
            <label for="task-steps">Steps (JSON: each step a tool, its args, and an optional compensate)</label>
            <textarea id="task-steps" rows={12} class="mono" value={steps} onInput={(e) => setSteps(e.currentTarget.value)} />
            <button type="submit">Start task</button>
          </form>
        </details>
        <ErrorText error={error} />
      </section>
      <section class="content" aria-label="Task">
        {selected ? <TaskView key={selected} client={client} id={selected} /> : <p class="muted">Start a task or open one by id.</p>}
      </section>
    </div>
  );
}

function TaskView({ client, id }: { client: HubClient; id: string }) {
  const [task, setTask] = useState<Task>();
  const [error, setError] = useState<string>();
  const [conn, setConn] = useState('connecting');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setTask(must(await client.GET('/v1/tasks/{id}', { params: { path: { id } } })));
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [client, id]);

  useEffect(() => {
    const ctrl = new AbortController();
    void load();
    void follow(client, '/v1/tasks/{id}/events', id, {
      signal: ctrl.signal,
      onStatus: (s, detail) => {
        setConn(detail ? `${s}: ${detail}` : s);
        if (s === 'ended') void load();
      },
      onMessage: () => {
        timer.current ??= setTimeout(() => {
          timer.current = undefined;
          void load();
        }, 300);
      },
    });
    return () => {
      ctrl.abort();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [client, id, load]);

  const cancel = async () => {
    try {
      must(await client.POST('/v1/tasks/{id}/cancel', { params: { path: { id } } }));
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
