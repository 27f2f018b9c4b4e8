/**
 * The Chat screen's session list: the tenant's sessions (create, rename,
 * close). The API has no session names: names are kept in this browser's
 * localStorage, as are the sessions created here until the list shows them.
 */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { shortTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { navigate } from '../../nav';
import { loadJson, saveJson } from '../../storage';
import { agentsApi } from '../agents/agents-api';

type SessionSummary = Schema<'SessionSummary'>;

const NAMES_KEY = 'hub.sessionNames';
const KNOWN_KEY = 'hub.sessionsCreated';

/**
 * Starts a session with `agent` (a name or `name@version`; default: the
 * gateway's), remembers it until the list shows it, and opens it.
 */
export async function startSession(client: HubClient, agent?: string): Promise<SessionSummary> {
  const created = must(await client.POST('/v1/sessions', { body: agent ? { agent } : {} }));
  const summary: SessionSummary = { id: created.id, status: 'running', agent: created.session.agent, startTime: new Date().toISOString() };
  saveJson(KNOWN_KEY, [summary, ...loadJson<SessionSummary[]>(KNOWN_KEY, [])].slice(0, 20));
  navigate('chat', created.id);
  return summary;
}

/** The list, the names given here, and what the list's buttons do. */
export function useSessionList(client: HubClient) {
  const list = useResource(async () => {
    const listed = must(await client.GET('/v1/sessions', { params: { query: { limit: 50 } } })).sessions;
    // Visibility is eventually consistent: keep sessions created here that the list doesn't show yet.
    const created = loadJson<SessionSummary[]>(KNOWN_KEY, []).filter((s) => !listed.some((l) => l.id === s.id));
    saveJson(KNOWN_KEY, created.slice(0, 20));
    return [...created, ...listed];
  }, [client]);
  const { setData: setSessions, setError, reload: refresh } = list;
  const [names, setNames] = useState<Record<string, string>>(() => loadJson(NAMES_KEY, {}));
  const [busy, setBusy] = useState(false);
  // The agents a session can start with (none listed: the gateway's default only).
  const agents = useResource(async () => (await agentsApi.list(client).catch(() => [])).filter((a) => a.source !== 'remote'), [client]);

  const create = async (agent?: string) => {
    setBusy(true);
    try {
      const summary = await startSession(client, agent);
      setSessions((s) => [summary, ...(s ?? []).filter((x) => x.id !== summary.id)]);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const rename = (id: string, name: string) => {
    const next = { ...names };
    if (name.trim()) next[id] = name.trim();
    else delete next[id];
    setNames(next);
    saveJson(NAMES_KEY, next);
  };

  const close = async (id: string) => {
    try {
      must(await client.DELETE('/v1/sessions/{id}', { params: { path: { id } } }));
      setSessions((s) => s?.map((x) => (x.id === id ? { ...x, status: 'closed' as const } : x)));
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return { sessions: list.data ?? [], agents: agents.data ?? [], error: list.error, names, busy, refresh, create, rename, close };
}

export type SessionListState = ReturnType<typeof useSessionList>;

export function SessionList({ list, selected }: { list: SessionListState; selected: string | undefined }) {
  const [agent, setAgent] = useState('');
  return (
    <section class="sidebar" aria-labelledby="sessions-heading">
      <div class="row">
        <h2 id="sessions-heading">Sessions</h2>
        <button type="button" onClick={() => void list.create(agent || undefined)} disabled={list.busy}>
          New session
        </button>
        <button type="button" class="secondary" onClick={() => void list.refresh()} aria-label="Refresh the session list">
          ↻
        </button>
      </div>
      <div class="row small">
        <label for="new-session-agent">Agent</label>
        <select id="new-session-agent" value={agent} onChange={(e) => setAgent(e.currentTarget.value)}>
          <option value="">default agent</option>
          {list.agents.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name} (v{a.version})
            </option>
          ))}
        </select>
      </div>
      <ErrorText error={list.error} />
      <ul class="list" aria-label="Sessions">
        {list.sessions.length === 0 && <li class="muted">No sessions yet.</li>}
        {list.sessions.map((s) => (
          <SessionRow
            key={s.id}
            session={s}
            name={list.names[s.id]}
            current={s.id === selected}
            onRename={(n) => list.rename(s.id, n)}
            onClose={() => void list.close(s.id)}
          />
        ))}
      </ul>
    </section>
  );
}

function SessionRow(p: { session: SessionSummary; name: string | undefined; current: boolean; onRename: (n: string) => void; onClose: () => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(p.name ?? '');
  const s = p.session;
  const label = p.name ?? `Session ${s.id.slice(0, 8)}`;
  return (
    <li class={p.current ? 'current' : ''} data-session-id={s.id}>
      {editing ? (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            p.onRename(draft);
            setEditing(false);
          }}
        >
          <label class="visually-hidden" for={`rename-${s.id}`}>
            Name of session {s.id}
          </label>
          <input id={`rename-${s.id}`} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} autoFocus />
          <button type="submit">Save</button>
          <button type="button" class="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <a href={`#/chat/${encodeURIComponent(s.id)}`} aria-current={p.current ? 'true' : undefined}>
            <span class="name">{label}</span>
            <span class={`badge ${s.status}`}>{s.status}</span>
          </a>
          <div class="row small">
            <span class="muted">
              {shortTime(s.startTime)}
              {s.agent ? ` · ${s.agent}` : ''}
            </span>
            <button type="button" class="link" onClick={() => (setDraft(p.name ?? ''), setEditing(true))} aria-label={`Rename ${label}`}>
              Rename
            </button>
            {s.status === 'running' && (
              <button type="button" class="link danger" onClick={p.onClose} aria-label={`Close ${label}`}>
                Close
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
}
