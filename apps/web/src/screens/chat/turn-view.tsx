/** One turn of a conversation: the user's message, then the reply as it streams in, tool calls and results inline. */
import { prettyJson } from '../../format';
import type { Turn } from './conversation';

export function TurnView({ turn }: { turn: Turn }) {
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
