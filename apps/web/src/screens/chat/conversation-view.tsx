/**
 * A session's conversation, built from its event stream (tokens as they stream
 * in, tool calls and results inline, approval cards, token usage); the stream
 * resumes with Last-Event-ID after a drop. A closed session has no stream: its
 * history comes from its state. The composer sends messages without waiting.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionEvent, SessionState as ContractState } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { costText, parseJson } from '../../format';
import { useCoalesced } from '../../hooks/use-coalesced';
import { useEventStream } from '../../hooks/use-event-stream';
import { useResource } from '../../hooks/use-resource';
import { ApprovalCard } from './approval-card';
import { apply, emptyConversation, fromState, handoffPath, type Conversation } from './conversation';
import { TurnView } from './turn-view';

/** The state as the gateway answers it, with the agent fields (handoff path, pinned version). */
type SessionState = Schema<'SessionState'> & Pick<ContractState, 'handoffs' | 'agentVersion'>;

export function ConversationView({ client, sessionId, name, onClosed }: { client: HubClient; sessionId: string; name: string | undefined; onClosed: () => void }) {
  // The session's state (status, usage); a failed send stays shown when the state is loaded again.
  const session = useResource<SessionState>(async () => must(await client.GET('/v1/sessions/{id}', { params: { path: { id: sessionId } } })), [client, sessionId], {
    clearsError: false,
  });
  const { data: state, error, setError, reload: loadState } = session;
  const model = useRef<Conversation>(emptyConversation());
  const [, setVersion] = useState(0);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    model.current = emptyConversation();
    setVersion((v) => v + 1);
  }, [client, sessionId]);
  // Tokens arrive many per frame: render at most once a frame.
  const rerender = useCoalesced(() => setVersion((v) => v + 1), 'frame', [client, sessionId]);

  const conn = useEventStream(client, '/v1/sessions/{id}/events', sessionId, {
    onStatus: (status) => {
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
          if (ev.type === 'turn.completed' || ev.type === 'turn.failed' || ev.type === 'session.closed' || ev.type === 'agent.handoff' || ev.type === 'budget.waiting' || ev.type === 'budget.resumed') void loadState();
        }
      }
      rerender();
    },
  });

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
  // The events are the freshest word on the active agent; the state has the whole path (also from before the oldest kept event).
  const activeAgent = c.agent ?? state?.agent;
  const path = handoffPath((state?.handoffs?.length ?? 0) >= c.handoffs.length ? (state?.handoffs ?? []) : c.handoffs);
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
        {activeAgent && (
          <>
            {' · agent '}
            <strong data-testid="active-agent">{activeAgent}</strong>
            {state?.agentVersion && !path ? ` v${state.agentVersion}` : ''}
          </>
        )}
        {path && (
          <>
            {' · handoffs '}
            <span data-testid="handoff-path">{path}</span>
          </>
        )}
      </p>
      {usage && (
        <p class="usage small" data-testid="usage">
          Tokens: {usage.totalTokens} total ({usage.promptTokens} prompt, {usage.completionTokens} completion){costText(usage)} · {state?.turns ?? 0} turns
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
