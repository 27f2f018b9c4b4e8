/**
 * Chat: the session list (create, rename, close) and a conversation view built
 * from the session's event stream (tokens as they stream in, tool calls and
 * results inline, approval cards, token usage). The stream resumes with
 * Last-Event-ID after a drop (see `follow`).
 *
 * The API has no session names: names are kept in this browser's localStorage.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { PendingApproval, SessionEvent } from '@hub/contracts';
import { apply, emptyConversation, fromState, type Conversation, type Turn } from './conversation';
import type { HubClient } from '@hub/gateway/client';
import { follow, messageOf, must, type Schema } from './api';
import { parseJson, prettyJson, shortTime, timeLeft } from './format';
import { navigate } from './nav';
import { ErrorText } from './ui';

type SessionSummary = Schema<'SessionSummary'>;
type SessionState = Schema<'SessionState'>;

// ------------------------------------------------------------------ names (client-side)

const NAMES_KEY = 'hub.sessionNames';
const KNOWN_KEY = 'hub.sessionsCreated';

function loadJson<T>(key: string, dflt: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? dflt;
  } catch {
    return dflt;
  }
}
function saveJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage unavailable */
  }
}

// ------------------------------------------------------------------ components

export function ChatScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [names, setNames] = useState<Record<string, string>>(() => loadJson(NAMES_KEY, {}));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const listed = must(await client.GET('/v1/sessions', { params: { query: { limit: 50 } } })).sessions;
      // Visibility is eventually consistent: keep sessions created here that the list doesn't show yet.
      const created = loadJson<SessionSummary[]>(KNOWN_KEY, []).filter((s) => !listed.some((l) => l.id === s.id));
      setSessions([...created, ...listed]);
      saveJson(KNOWN_KEY, created.slice(0, 20));
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [client]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const create = async () => {
    setBusy(true);
    try {
      const created = must(await client.POST('/v1/sessions', { body: {} }));
      const summary: SessionSummary = { id: created.id, status: 'running', agent: created.session.agent, startTime: new Date().toISOString() };
      saveJson(KNOWN_KEY, [summary, ...loadJson<SessionSummary[]>(KNOWN_KEY, [])].slice(0, 20));
      setSessions((s) => [summary, ...s.filter((x) => x.id !== summary.id)]);
      navigate('chat', created.id);
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
      setSessions((s) => s.map((x) => (x.id === id ? { ...x, status: 'closed' } : x)));
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div class="split">
      <section class="sidebar" aria-labelledby="sessions-heading">
        <div class="row">
          <h2 id="sessions-heading">Sessions</h2>
          <button type="button" onClick={() => void create()} disabled={busy}>
            New session
          </button>
          <button type="button" class="secondary" onClick={() => void refresh()} aria-label="Refresh the session list">
            ↻
          </button>
        </div>
        <ErrorText error={error} />
        <ul class="list" aria-label="Sessions">
          {sessions.length === 0 && <li class="muted">No sessions yet.</li>}
          {sessions.map((s) => (
            <SessionRow
              key={s.id}
              session={s}
              name={names[s.id]}
              current={s.id === selected}
              onRename={(n) => rename(s.id, n)}
              onClose={() => void close(s.id)}
            />
          ))}
        </ul>
      </section>
      <section class="content" aria-label="Conversation">
        {selected ? (
          <ConversationView key={selected} client={client} sessionId={selected} name={names[selected]} onClosed={() => void refresh()} />
        ) : (
          <p class="muted">Create a session or pick one to start chatting.</p>
        )}
      </section>
    </div>
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
            <span class="muted">{shortTime(s.startTime)}</span>
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

function ConversationView({ client, sessionId, name, onClosed }: { client: HubClient; sessionId: string; name: string | undefined; onClosed: () => void }) {
  const model = useRef<Conversation>(emptyConversation());
  const [, setVersion] = useState(0);
  const [state, setState] = useState<SessionState>();
  const [conn, setConn] = useState<string>('connecting');
  const [error, setError] = useState<string>();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const bottom = useRef<HTMLDivElement>(null);

  const loadState = useCallback(async () => {
    try {
      const s = must(await client.GET('/v1/sessions/{id}', { params: { path: { id: sessionId } } }));
      setState(s);
      return s;
    } catch (err) {
      setError(messageOf(err));
      return undefined;
    }
  }, [client, sessionId]);

  useEffect(() => {
    const ctrl = new AbortController();
    model.current = emptyConversation();
    setVersion((v) => v + 1);
    void loadState();
    let frame = 0;
    const rerender = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    void follow(client, '/v1/sessions/{id}/events', sessionId, {
      signal: ctrl.signal,
      onStatus: (status, detail) => {
        setConn(detail ? `${status}: ${detail}` : status);
        if (status === 'error' || status === 'ended') {
          // A closed session has no stream: show its history from its state.
          void loadState().then((s) => {
            if (s && s.status === 'closed' && model.current.turns.length === 0) {
              model.current = fromState(s);
              setVersion((v) => v + 1);
            }
          });
        }
      },
      onMessage: (msg) => {
        if (msg.event === 'stream.truncated') {
          model.current.notes.push('Earlier events are no longer retained; the conversation starts at the oldest kept event.');
        } else if (msg.event === 'stream.end') {
          // handled by onStatus
        } else {
          const ev = parseJson<SessionEvent>(msg.data);
          if (ev && typeof ev.type === 'string') {
            apply(model.current, ev);
            if (ev.type === 'turn.completed' || ev.type === 'turn.failed' || ev.type === 'session.closed') void loadState();
          }
        }
        rerender();
      },
    });
    return () => {
      ctrl.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [client, sessionId, loadState]);

  const c = model.current;
  const turnCount = c.turns.length;
  const lastLen = c.turns[turnCount - 1]?.items.reduce((n, i) => n + (i.kind === 'text' ? i.text.length : 1), 0) ?? 0;
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [turnCount, lastLen]);

  const send = async (e: Event) => {
    e.preventDefault();
    const message = text.trim();
    if (!message) return;
    setSending(true);
    try {
      must(await client.POST('/v1/sessions/{id}/messages', { params: { path: { id: sessionId }, query: { wait: 'false' } }, body: { text: message } }));
      setText('');
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setSending(false);
    }
  };

  const closed = c.closed !== undefined || state?.status === 'closed';
  const usage = state?.usage;
  return (
    <div class="conversation">
      <div class="row header">
        <h2>{name ?? `Session ${sessionId.slice(0, 8)}`}</h2>
        <span class={`badge ${state?.status ?? ''}`} aria-label="Session status">
          {state?.status ?? '…'}
        </span>
        <span class="muted small" aria-live="polite" data-testid="connection">
          {conn}
        </span>
      </div>
      <p class="muted small">
        <span class="mono">{sessionId}</span>
        {state?.agent ? ` · agent ${state.agent}` : ''}
      </p>
      {usage && (
        <p class="usage small" data-testid="usage">
          Tokens: {usage.totalTokens} total ({usage.promptTokens} prompt, {usage.completionTokens} completion) · {state?.turns ?? 0} turns
        </p>
      )}
      <ErrorText error={error} />
      {c.notes.map((n, i) => (
        <p key={i} class="note">
          {n}
        </p>
      ))}
      <ol class="turns" aria-label="Conversation turns">
        {c.turns.map((t) => (
          <TurnView key={t.turnId} turn={t} />
        ))}
      </ol>
      {[...c.approvals.values()].map((a) => (
        <ApprovalCard key={a.approvalId} client={client} sessionId={sessionId} approval={a} />
      ))}
      <div ref={bottom} />
      {closed ? (
        <p class="note">This session is closed{c.closed ? ` (${c.closed})` : ''}.</p>
      ) : (
        <form class="composer" onSubmit={send}>
          <label for="message">Message</label>
          <textarea
            id="message"
            rows={2}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                (e.currentTarget.form as HTMLFormElement | null)?.requestSubmit();
              }
            }}
            placeholder="Ask something (Enter sends, Shift+Enter for a new line)"
          />
          <button type="submit" disabled={sending || !text.trim()}>
            Send
          </button>
        </form>
      )}
      {!closed && state && (
        <button
          type="button"
          class="secondary small"
          onClick={() =>
            void client
              .DELETE('/v1/sessions/{id}', { params: { path: { id: sessionId } } })
              .then((r) => (must(r), onClosed(), loadState()))
              .catch((err: unknown) => setError(messageOf(err)))
          }
        >
          Close session
        </button>
      )}
    </div>
  );
}

function TurnView({ turn }: { turn: Turn }) {
  return (
    <li class="turn" data-turn-id={turn.turnId} data-status={turn.status}>
      <div class="msg user">
        <span class="who">You</span>
        <p>{turn.user}</p>
      </div>
      <div class="msg assistant" aria-busy={turn.status === 'running'}>
        <span class="who">Assistant</span>
        {turn.items.map((item, i) =>
          item.kind === 'text' ? (
            <p key={i} class="reply">
              {item.text}
            </p>
          ) : item.kind === 'tool' ? (
            <details key={i} class="tool" data-tool={item.tool} open={!item.result}>
              <summary>
                Tool <strong>{item.tool}</strong>
                {item.result ? (item.result.ok ? ' — result' : ' — error') : ' — running'}
                {item.approval ? ` · ${item.approval}` : ''}
              </summary>
              <div class="small">Arguments</div>
              <pre>{prettyJson(item.args)}</pre>
              {item.progress && <div class="small muted">Progress: {item.progress}</div>}
              {item.result && (
                <>
                  <div class="small">{item.result.ok ? 'Result' : 'Error'}</div>
                  <pre class="tool-result">{prettyJson(item.result.content)}</pre>
                </>
              )}
              {item.compensation && <div class="small muted">{item.compensation}</div>}
            </details>
          ) : (
            <p key={i} class="note">
              {item.text}
            </p>
          ),
        )}
        {turn.status === 'queued' && <p class="muted small">Queued…</p>}
        {turn.status === 'running' && turn.items.length === 0 && <p class="muted small">Thinking…</p>}
        {turn.status === 'failed' && (
          <p class="error" role="alert">
            Turn failed: {turn.error}
          </p>
        )}
        {turn.status === 'interrupted' && <p class="muted small">Interrupted.</p>}
        {turn.usage && (
          <p class="muted small">
            {turn.usage.totalTokens} tokens ({turn.usage.promptTokens} prompt, {turn.usage.completionTokens} completion)
          </p>
        )}
      </div>
    </li>
  );
}

function ApprovalCard({ client, sessionId, approval }: { client: HubClient; sessionId: string; approval: PendingApproval }) {
  const [reason, setReason] = useState('');
  const [now, setNow] = useState(Date.now());
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const decide = async (approve: boolean) => {
    try {
      must(
        await client.POST('/v1/sessions/{id}/approvals/{approvalId}', {
          params: { path: { id: sessionId, approvalId: approval.approvalId } },
          body: { approve, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      setSent(approve ? 'Approved' : 'Denied');
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const id = `reason-${approval.approvalId}`;
  return (
    <section class="approval" role="region" aria-label={`Approval for ${approval.tool}`}>
      <h3>
        Approve <span class="mono">{approval.tool}</span>?
      </h3>
      <p class="small">
        <span data-testid="time-left">{timeLeft(approval.expiresAt, now)}</span> · no decision by {shortTime(approval.expiresAt)} counts as a denial
      </p>
      <pre>{prettyJson(approval.arguments)}</pre>
      <label for={id}>Reason (optional)</label>
      <input id={id} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="row">
        <button type="button" onClick={() => void decide(true)} disabled={sent !== undefined}>
          Approve
        </button>
        <button type="button" class="danger" onClick={() => void decide(false)} disabled={sent !== undefined}>
          Deny
        </button>
        {sent && <span class="muted small">{sent}; waiting for the agent…</span>}
      </div>
      <ErrorText error={error} />
    </section>
  );
}
