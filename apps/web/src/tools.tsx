/**
 * Tools: the MCP servers (config file and runtime-registered) with their
 * connection status and tools; add (stdio command or HTTP URL) and remove
 * runtime servers; flagged tools (their definition changed since it was
 * pinned) can be re-approved.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from './api';
import { shortTime } from './format';
import { ErrorText } from './ui';

type Server = Schema<'McpServer'>;
type Registration = Schema<'McpServerRegistration'>;

export function ToolsScreen({ client }: { client: HubClient }) {
  const [servers, setServers] = useState<Server[]>();
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      setServers(must(await client.GET('/v1/mcp/servers')).servers);
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [client]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const replace = (s: Server) => setServers((list) => (list ?? []).map((x) => (x.name === s.name ? s : x)));

  return (
    <div class="single">
      <div class="row header">
        <h2>MCP tool servers</h2>
        <button type="button" class="secondary" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <ErrorText error={error} />
      <AddServerForm client={client} onAdded={() => void refresh()} />
      {servers === undefined ? (
        <p class="muted">Loading…</p>
      ) : servers.length === 0 ? (
        <p class="muted">No MCP servers. Add one above, or in hub.config.json.</p>
      ) : (
        <ul class="servers" aria-label="MCP servers">
          {servers.map((s) => (
            <ServerCard key={s.name} client={client} server={s} onChange={replace} onRemoved={() => void refresh()} />
          ))}
        </ul>
      )}
    </div>
  );
}

function AddServerForm({ client, onAdded }: { client: HubClient; onAdded: () => void }) {
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

function ServerCard({ client, server, onChange, onRemoved }: { client: HubClient; server: Server; onChange: (s: Server) => void; onRemoved: () => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
      setError(undefined);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const inspect = () =>
    run(async () => onChange(must(await client.GET('/v1/mcp/servers/{name}/tools', { params: { path: { name: server.name } } }))));
  const remove = () =>
    run(async () => {
      must(await client.DELETE('/v1/mcp/servers/{name}', { params: { path: { name: server.name } } }));
      onRemoved();
    });
  const approve = (tool: string) =>
    run(async () => {
      must(await client.POST('/v1/mcp/servers/{name}/tools/{tool}/approve', { params: { path: { name: server.name, tool } } }));
      await inspect();
    });
  const cfg = server.config as { url?: string; command?: string; args?: string[] };
  const tools = server.tools ?? [];
  const flagged = tools.filter((t) => t.status === 'flagged');
  return (
    <li class="server" data-server={server.name}>
      <div class="row header">
        <h3>{server.name}</h3>
        <span class={`badge ${server.status.state}`}>{server.status.state}</span>
        <span class="muted small">{server.source === 'config' ? 'from config' : 'added at runtime'}</span>
      </div>
      <p class="mono small">{cfg.url ?? [cfg.command, ...(cfg.args ?? [])].join(' ')}</p>
      {server.status.error && <p class="error small">{server.status.error}</p>}
      {server.status.checkedAt && <p class="muted small">checked {shortTime(server.status.checkedAt)}</p>}
      <div class="row">
        <button type="button" onClick={() => void inspect()} disabled={busy}>
          {server.tools ? 'Reconnect' : 'Connect and list tools'}
        </button>
        {server.source === 'api' && (
          <button type="button" class="danger" onClick={() => void remove()} disabled={busy}>
            Remove
          </button>
        )}
      </div>
      <ErrorText error={error} />
      {flagged.length > 0 && (
        <p class="warn" role="status">
          {flagged.length} flagged tool{flagged.length > 1 ? 's' : ''}: changed since approved; offered to no agent until re-approved.
        </p>
      )}
      {server.tools && (
        <table class="tools">
          <caption class="visually-hidden">Tools of {server.name}</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Status</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {tools.map((t) => (
              <tr key={t.name} class={t.status}>
                <td class="mono">{t.name}</td>
                <td>
                  {t.status}
                  {t.status === 'flagged' && (
                    <>
                      {t.flaggedReason && <div class="small">{t.flaggedReason}</div>}
                      <button type="button" class="small" onClick={() => void approve(t.name)} disabled={busy} aria-label={`Approve ${t.name} at its current definition`}>
                        Approve
                      </button>
                    </>
                  )}
                </td>
                <td class="small">{t.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
