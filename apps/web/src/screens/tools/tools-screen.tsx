/**
 * Tools: the MCP servers (config file and runtime-registered) with their
 * connection status and tools; add a runtime server (./add-server-form);
 * connect, re-approve flagged tools and remove one (./server-card).
 */
import type { HubClient } from '@hub/gateway/client';
import { must, type Schema } from '../../api';
import { ErrorText } from '../../components/error-text';
import { useResource } from '../../hooks/use-resource';
import { AddServerForm } from './add-server-form';
import { ServerCard } from './server-card';

type Server = Schema<'McpServer'>;

export function ToolsScreen({ client }: { client: HubClient }) {
  const { data: servers, setData: setServers, error, reload: refresh } = useResource(async () => must(await client.GET('/v1/mcp/servers')).servers, [client]);

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
