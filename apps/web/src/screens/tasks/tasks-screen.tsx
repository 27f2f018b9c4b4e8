/**
 * Tasks: saga tasks with each step, its compensation and their status, live
 * over the task's event stream (./task-view); start one (steps as JSON), open
 * one by id.
 *
 * The API lists no tasks: this screen keeps the ids of tasks started or looked
 * up here in this browser's localStorage.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { navigate } from '../../nav';
import { loadJson, saveJson } from '../../storage';
import { TaskView } from './task-view';

type CreateTask = Schema<'CreateTask'>;

const TASKS_KEY = 'hub.tasks';

function knownTasks(): string[] {
  const ids = loadJson<unknown>(TASKS_KEY, []);
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}
function remember(id: string): string[] {
  const next = [id, ...knownTasks().filter((x) => x !== id)].slice(0, 50);
  saveJson(TASKS_KEY, next);
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
