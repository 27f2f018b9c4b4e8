/**
 * One MCP server: its status and configuration; connect and list its tools,
 * re-approve a flagged tool (its definition changed since it was pinned),
 * remove a runtime-registered server.
 */
import { useState } from 'preact/hooks';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { shortTime } from '../../format';

type Server = Schema<'McpServer'>;

export function ServerCard({ client, server, onChange, onRemoved }: { client: HubClient; server: Server; onChange: (s: Server) => void; onRemoved: () => void }) {
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
