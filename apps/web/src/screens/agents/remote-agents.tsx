/**
 * Remote A2A agents (`/v1/a2a/remotes`): registered by their agent card's URL
 * (with optional headers, e.g. Authorization, whose values are never shown
 * again), usable as delegates (`ask_<name>`); remove one.
 */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { ApiCallError, messageOf } from '../../api';
import { ErrorText } from '../../components/error-text';
import { shortTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { agentsApi } from './agents-api';
import { parseHeaders } from './agent-form-model';

export function RemoteAgents({ client, onChanged }: { client: HubClient; onChanged: () => void }) {
  const remotes = useResource(() => agentsApi.remotes(client), [client]);
  const [name, setName] = useState('');
  const [cardUrl, setCardUrl] = useState('');
  const [headers, setHeaders] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // No remote route on this gateway: say so instead of an error.
  if (remotes.error && /^not_found|HTTP 404/.test(remotes.error))
    return (
      <section aria-labelledby="remotes-heading">
        <h2 id="remotes-heading">Remote A2A agents</h2>
        <p class="muted small">This gateway has no remote A2A agents route.</p>
      </section>
    );

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setError(undefined);
      await remotes.reload();
      onChanged();
    } catch (err) {
      setError(err instanceof ApiCallError ? err.message : messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    const h = parseHeaders(headers);
    if (!h.ok) return setError(h.error);
    void run(async () => {
      await agentsApi.addRemote(client, { name: name.trim(), cardUrl: cardUrl.trim(), ...(Object.keys(h.headers).length ? { headers: h.headers } : {}) });
      setName('');
      setCardUrl('');
      setHeaders('');
    });
  };

  const list = remotes.data ?? [];
  return (
    <section aria-labelledby="remotes-heading">
      <h2 id="remotes-heading">Remote A2A agents</h2>
      <ErrorText error={remotes.error} />
      {list.length === 0 ? (
        <p class="muted small">No remote agents registered.</p>
      ) : (
        <ul class="servers" aria-label="Remote A2A agents">
          {list.map((r) => (
            <li key={r.name} class="server" data-remote={r.name}>
              <div class="row header">
                <h3>{r.name}</h3>
                <span class="badge">A2A {r.protocolVersion}</span>
                {r.streaming && <span class="badge">streaming</span>}
              </div>
              <p class="small">
                {r.cardName}
                {r.description ? ` — ${r.description}` : ''}
              </p>
              <p class="mono small">{r.cardUrl}</p>
              {r.skills.length > 0 && <p class="small">Skills: {r.skills.map((s) => s.name).join(', ')}</p>}
              {r.headerNames.length > 0 && <p class="small muted">Headers sent: {r.headerNames.join(', ')} (values hidden)</p>}
              <p class="small muted">
                Delegate tool <span class="mono">ask_{r.name}</span> · registered {shortTime(r.createdAt)}
              </p>
              <button type="button" class="danger" onClick={() => void run(() => agentsApi.removeRemote(client, r.name))} disabled={busy} aria-label={`Remove ${r.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <details class="add-server">
        <summary>Register a remote agent</summary>
        <form class="stack" onSubmit={add} aria-label="Register a remote A2A agent">
          <label for="remote-name">Name</label>
          <input id="remote-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <label for="remote-card">Agent card URL</label>
          <input id="remote-card" required type="url" placeholder="https://host/a2a/agent/.well-known/agent-card.json" value={cardUrl} onInput={(e) => setCardUrl(e.currentTarget.value)} />
          <label for="remote-headers">Headers (optional, one "Name: value" a line)</label>
          <textarea id="remote-headers" rows={2} class="mono" value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} />
          <button type="submit" disabled={busy}>
            Register
          </button>
        </form>
      </details>
      <ErrorText error={error} />
    </section>
  );
}
