/**
 * The items of a transcript (a turn's or a delegate's): streamed text, tool
 * calls with their results, handoffs ("triage → billing"), and under an
 * `ask_<agent>` call the delegate's own transcript, collapsible and nested as
 * deep as the delegations go.
 */
import { prettyJson } from '../../format';
import type { Delegation, Item, ToolItem } from './conversation';

export function ItemsView({ items }: { items: Item[] }) {
  return (
    <>
      {items.map((item, i) =>
        item.kind === 'text' ? (
          <p key={i} class="reply">
            {item.text}
          </p>
        ) : item.kind === 'tool' ? (
          <ToolView key={item.toolCallId} item={item} />
        ) : item.kind === 'handoff' ? (
          <p key={i} class="handoff" role="note" data-from={item.from} data-to={item.to}>
            <span aria-hidden="true">⇄ </span>Handoff: <strong>{item.from}</strong> → <strong>{item.to}</strong>
          </p>
        ) : (
          <p key={i} class="note">
            {item.text}
          </p>
        ),
      )}
    </>
  );
}

function ToolView({ item }: { item: ToolItem }) {
  const delegations = item.delegations ?? [];
  return (
    <div class="tool-call">
      <details class="tool" data-tool={item.tool} open={!item.result && delegations.length === 0}>
        <summary>
          Tool <strong>{item.tool}</strong>
          {item.result ? (item.result.ok ? ' — result' : ' — error') : ' — running'}
          {item.approval ? ` · ${item.approval}` : ''}
        </summary>
        {item.args && (
          <>
            <div class="small">Arguments</div>
            <pre>{prettyJson(item.args)}</pre>
          </>
        )}
        {item.progress && <div class="small muted">Progress: {item.progress}</div>}
        {item.result && (
          <>
            <div class="small">{item.result.ok ? 'Result' : 'Error'}</div>
            <pre class="tool-result">{prettyJson(item.result.content)}</pre>
          </>
        )}
        {item.compensation && <div class="small muted">{item.compensation}</div>}
      </details>
      {delegations.map((d) => (
        <DelegationView key={d.delegationId} delegation={d} />
      ))}
    </div>
  );
}

const STATUS_TEXT = { running: 'working…', completed: 'answered', failed: 'failed' } as const;

/** One delegate's sub-conversation: open while it works, folded once it answered (click to unfold). */
export function DelegationView({ delegation: d }: { delegation: Delegation }) {
  return (
    <details
      class={`delegation ${d.status}`}
      data-delegation-id={d.delegationId}
      data-agent={d.agent}
      data-depth={d.depth}
      data-status={d.status}
      open={d.status === 'running'}
    >
      <summary>
        <span class="who">Delegate</span> <strong>{d.agent}</strong> <span class={`badge ${d.status}`}>{STATUS_TEXT[d.status]}</span>
        {d.usage && <span class="muted small"> · {d.usage.totalTokens} tokens</span>}
      </summary>
      {d.task && (
        <p class="small task">
          <span class="muted">Task:</span> {d.task}
        </p>
      )}
      <div class="transcript" aria-label={`Transcript of ${d.agent}`}>
        <ItemsView items={d.items} />
        {d.status === 'running' && d.items.length === 0 && <p class="muted small">Thinking…</p>}
      </div>
      {d.status === 'failed' && (
        <p class="error small" role="alert">
          {d.agent} failed{d.error ? `: ${d.error}` : ''}
        </p>
      )}
    </details>
  );
}
