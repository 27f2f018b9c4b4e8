/**
 * One agent: its latest definition, its versions (each one's instructions),
 * chat with it (the latest, or pinned to a version), and for the tenant's own
 * agents edit (a new version) and delete (refused with 409 while other agents
 * name it). Built-in and config agents are read-only.
 */
import { useState } from 'preact/hooks';
import type { AgentRecord } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { messageOf } from '../../api';
import { ErrorText } from '../../components/error-text';
import { shortTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { navigate } from '../../nav';
import { startSession } from '../chat/session-list';
import { AgentForm } from './agent-form';
import { agentsApi, editable } from './agents-api';

const SOURCE_TEXT = { builtin: 'built-in (read-only)', config: 'from hub.config.json (read-only)', api: 'defined through the API', remote: 'remote A2A agent' } as const;

export function AgentView({ client, name, onChanged }: { client: HubClient; name: string; onChanged: () => void }) {
  const agent = useResource(() => agentsApi.get(client, name), [client, name]);
  const versions = useResource(() => agentsApi.versions(client, name), [client, name]);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const a = agent.data;

  const chat = async (ref: string) => {
    setBusy(true);
    try {
      await startSession(client, ref);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setConfirming(false);
    setBusy(true);
    try {
      await agentsApi.remove(client, name);
      onChanged();
      navigate('agents');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (agent.error) return <ErrorText error={agent.error} />;
  if (!a) return <p class="muted">Loading…</p>;
  if (editing)
    return (
      <AgentForm
        client={client}
        existing={a}
        onCancel={() => setEditing(false)}
        onSaved={(saved) => {
          agent.setData(saved);
          setEditing(false);
          void versions.reload();
          onChanged();
        }}
      />
    );
  return (
    <article class="agent-view" aria-labelledby="agent-heading" data-agent={a.name}>
      <div class="row header">
        <h2 id="agent-heading">{a.name}</h2>
        <span class={`badge ${a.source}`}>{a.source}</span>
        <span class="badge" data-testid="agent-version">
          v{a.version}
        </span>
      </div>
      <p class="small muted">
        {SOURCE_TEXT[a.source]} · updated {shortTime(a.updatedAt)}
      </p>
      {a.description && <p>{a.description}</p>}
      <div class="row">
        <button type="button" onClick={() => void chat(a.name)} disabled={busy}>
          Chat with {a.name}
        </button>
        {editable(a) && (
          <>
            <button type="button" class="secondary" onClick={() => setEditing(true)} disabled={busy}>
              Edit
            </button>
            <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={busy || confirming}>
              Delete
            </button>
          </>
        )}
      </div>
      {confirming && (
        <div class="row confirm" role="group" aria-label="Confirm deletion">
          <span>Delete {a.name} and all its versions? Sessions that use it keep their pinned version.</span>
          <button type="button" class="danger" onClick={() => void remove()}>
            Delete {a.name}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      )}
      <ErrorText error={error} />
      <Definition a={a} />
      <h3>Versions</h3>
      <ErrorText error={versions.error} />
      <ol class="versions" aria-label={`Versions of ${a.name}`}>
        {(versions.data ?? []).map((v) => (
          <li key={v.version} data-version={v.version}>
            <details>
              <summary>
                Version {v.version} <span class="muted small">· {shortTime(v.updatedAt)}</span>
                {v.version === a.version && <span class="badge">latest</span>}
              </summary>
              <Definition a={v} />
              <button type="button" class="secondary small" onClick={() => void chat(`${v.name}@${v.version}`)} disabled={busy}>
                Chat with version {v.version}
              </button>
            </details>
          </li>
        ))}
      </ol>
    </article>
  );
}

const names = (list: string[]) =>
  list.length === 0 ? (
    <span class="muted">none</span>
  ) : (
    list.map((n, i) => (
      <span key={n}>
        {i > 0 && ', '}
        <a href={`#/agents/${encodeURIComponent(n)}`}>{n}</a>
      </span>
    ))
  );

function Definition({ a }: { a: AgentRecord }) {
  return (
    <dl class="definition">
      <dt>Model</dt>
      <dd>{a.model ?? <span class="muted">deployment default</span>}</dd>
      <dt>Temperature</dt>
      <dd>{a.temperature}</dd>
      <dt>Tools</dt>
      <dd class="mono">{a.tools.length ? a.tools.join(', ') : <span class="muted">none</span>}</dd>
      <dt>Max tool rounds</dt>
      <dd>{a.maxToolRounds}</dd>
      <dt>Handoffs</dt>
      <dd>{names(a.handoffs)}</dd>
      <dt>Delegates</dt>
      <dd>{names(a.delegates)}</dd>
      {a.outputSchema && (
        <>
          <dt>Output schema</dt>
          <dd>
            <pre>{JSON.stringify(a.outputSchema, null, 2)}</pre>
          </dd>
        </>
      )}
      <dt>Instructions</dt>
      <dd>
        <pre class="instructions">{a.instructions}</pre>
      </dd>
    </dl>
  );
}
