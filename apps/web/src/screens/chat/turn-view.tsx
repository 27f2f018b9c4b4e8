/** One turn of a conversation: the user's message, then the reply as it streams in, tool calls, handoffs and delegations inline. */
import type { Turn } from './conversation';
import { ItemsView } from './items-view';
import { costText } from '../../format';

export function TurnView({ turn }: { turn: Turn }) {
  return (
    <li class="turn" data-turn-id={turn.turnId} data-status={turn.status}>
      <div class="msg user">
        <span class="who">You</span>
        <p>{turn.user}</p>
      </div>
      <div class="msg assistant" aria-busy={turn.status === 'running' || turn.status === 'waiting_budget'}>
        <span class="who">Assistant</span>
        <ItemsView items={turn.items} />
        {turn.status === 'queued' && <p class="muted small">Queued…</p>}
        {turn.status === 'running' && turn.items.length === 0 && <p class="muted small">Thinking…</p>}
        {turn.status === 'waiting_budget' && <p class="muted small">Waiting for budget…</p>}
        {turn.status === 'failed' && (
          <p class="error" role="alert">
            Turn failed: {turn.error}
          </p>
        )}
        {turn.status === 'interrupted' && <p class="muted small">Interrupted.</p>}
        {turn.usage && (
          <p class="muted small">
            {turn.usage.totalTokens} tokens ({turn.usage.promptTokens} prompt, {turn.usage.completionTokens} completion){costText(turn.usage)}
          </p>
        )}
      </div>
    </li>
  );
}
