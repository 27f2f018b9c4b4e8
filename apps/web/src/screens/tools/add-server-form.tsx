/** The form that registers a runtime MCP server: an HTTP URL or an (allowlisted) stdio command, and whether its calls need approval. */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';

type Registration = Schema<'McpServerRegistration'>;

export function AddServerForm({ client, onAdded }: { client: HubClient; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'url' | 'command'>('url');
  const [target, setTarget] = useState('');
  const [args, setArgs] = useState('');
  const [approval, setApproval] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body: Registration =
      kind === 'url'
        ? { name: name.trim(), url: target.trim(), requiresApproval: approval }
        : { name: name.trim(), command: target.trim(), args: args.trim() ? args.trim().split(/\s+/) : [], requiresApproval: approval };
    try {
      must(await client.POST('/v1/mcp/servers', { body }));
      setName('');
      setTarget('');
      setArgs('');
      setError(undefined);
      onAdded();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="add-server">
      <summary>Add a server</summary>
      <form class="stack" onSubmit={submit} aria-label="Add an MCP server">
        <label for="srv-name">Name</label>
        <input id="srv-name" required pattern="[a-zA-Z0-9_\-]{1,32}" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <fieldset>
          <legend>Transport</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'url'} onChange={() => setKind('url')} /> HTTP URL
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'command'} onChange={() => setKind('command')} /> stdio command (must be allowlisted in
            the hub config)
          </label>
        </fieldset>
        <label for="srv-target">{kind === 'url' ? 'URL' : 'Command'}</label>
        <input id="srv-target" required value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
        {kind === 'command' && (
          <>
            <label for="srv-args">Arguments (space-separated)</label>
            <input id="srv-args" value={args} onInput={(e) => setArgs(e.currentTarget.value)} />
          </>
        )}
        <label>
          <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.currentTarget.checked)} /> Every tool call needs a human's approval
        </label>
        <button type="submit" disabled={busy}>
          Add server
        </button>
        <ErrorText error={error} />
      </form>
    </details>
  );
}
