/**
 * The form that starts a research job: the question, the number of agents, the share that must succeed, and
 * optionally the agents it uses (the research agent, planner and synthesizer: any of the tenant's agents).
 */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { useResource } from '../../hooks/use-resource';
import { agentsApi } from '../agents/agents-api';

const ROLES = [
  { key: 'agent', label: 'Research agent' },
  { key: 'planner', label: 'Planner' },
  { key: 'synthesizer', label: 'Synthesizer' },
] as const;
type Role = (typeof ROLES)[number]['key'];

export function NewJobForm({ client, onStarted }: { client: HubClient; onStarted: (id: string, question: string) => void }) {
  const [question, setQuestion] = useState('');
  const [agents, setAgents] = useState(5);
  const [ratio, setRatio] = useState(0.5);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [roles, setRoles] = useState<Partial<Record<Role, string>>>({});
  const agentList = useResource(async () => (await agentsApi.list(client).catch(() => [])).filter((a) => a.source !== 'remote'), [client]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const chosen = Object.fromEntries(Object.entries(roles).filter(([, v]) => v));
      const body: Schema<'CreateResearch'> = { question: question.trim(), maxAgents: agents, policy: { minSuccessRatio: ratio }, ...chosen };
      const started = must(await client.POST('/v1/research', { body }));
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
      <details>
        <summary>Agents it uses (optional)</summary>
        <div class="row">
          {ROLES.map((r) => (
            <span key={r.key} class="field">
              <label for={`r-${r.key}`}>{r.label}</label>
              <select id={`r-${r.key}`} value={roles[r.key] ?? ''} onChange={(e) => setRoles((x) => ({ ...x, [r.key]: e.currentTarget.value }))}>
                <option value="">default</option>
                {(agentList.data ?? []).map((a) => (
                  <option key={a.name} value={a.name}>
                    {a.name}
                  </option>
                ))}
              </select>
            </span>
          ))}
        </div>
      </details>
      <button type="submit" disabled={busy || !question.trim()}>
        Start research
      </button>
      <ErrorText error={error} />
    </form>
  );
}
