/** The form that starts a research job: the question, the number of agents, the share that must succeed. */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must } from '../../api';
import { ErrorText } from '../../components/error-text';

export function NewJobForm({ client, onStarted }: { client: HubClient; onStarted: (id: string, question: string) => void }) {
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
