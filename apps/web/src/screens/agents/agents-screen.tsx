/**
 * Agents: the tenant's agents (built-in, from hub.config.json, defined through
 * the API) beside the selected one (./agent-view: definition, versions, edit,
 * delete); create one (./agent-form); with none selected, an overview of all
 * of them and the remote A2A agents (./remote-agents).
 */
import { useState } from 'preact/hooks';
import type { AgentRecord } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { ErrorText } from '../../components/error-text';
import { useResource } from '../../hooks/use-resource';
import { navigate } from '../../nav';
import { AgentForm } from './agent-form';
import { AgentView } from './agent-view';
import { agentsApi } from './agents-api';
import { RemoteAgents } from './remote-agents';

export function AgentsScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const agents = useResource(() => agentsApi.list(client), [client]);
  const [creating, setCreating] = useState(false);
  const list = (agents.data ?? []).filter((a) => a.source !== 'remote');
  const refresh = () => void agents.reload();

  return (
    <div class="split">
      <section class="sidebar" aria-labelledby="agents-heading">
        <div class="row">
          <h2 id="agents-heading">Agents</h2>
          <button type="button" onClick={() => setCreating(true)}>
            New agent
          </button>
          <button type="button" class="secondary" onClick={refresh} aria-label="Refresh the agent list">
            ↻
          </button>
        </div>
        <ErrorText error={agents.error} />
        <ul class="list" aria-label="Agents">
          {agents.data && list.length === 0 && <li class="muted">No agents.</li>}
          {list.map((a) => (
            <li key={a.name} class={a.name === selected && !creating ? 'current' : ''} data-agent={a.name}>
              <a href={`#/agents/${encodeURIComponent(a.name)}`} onClick={() => setCreating(false)} aria-current={a.name === selected ? 'true' : undefined}>
                <span class="name">{a.name}</span>
                <span class="row small">
                  <span class={`badge ${a.source}`}>{a.source}</span>
                  <span class="badge">v{a.version}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
        <p class="small">
          <a href="#/agents">Overview and remote agents</a>
        </p>
      </section>
      <section class="content" aria-label="Agent">
        {creating ? (
          <AgentForm
            client={client}
            onCancel={() => setCreating(false)}
            onSaved={(r) => {
              setCreating(false);
              refresh();
              navigate('agents', r.name);
            }}
          />
        ) : selected ? (
          <AgentView key={selected} client={client} name={selected} onChanged={refresh} />
        ) : (
          <>
            <Overview agents={list} />
            <RemoteAgents client={client} onChanged={refresh} />
          </>
        )}
      </section>
    </div>
  );
}

const csv = (l: string[]) => (l.length ? l.join(', ') : '—');

function Overview({ agents }: { agents: AgentRecord[] }) {
  return (
    <section aria-labelledby="overview-heading">
      <h2 id="overview-heading">All agents</h2>
      <p class="small muted">
        Built-in and config agents are read-only; the ones defined here (source <span class="mono">api</span>) can be edited (each save is a new version) and
        deleted. A session pins the version it starts with.
      </p>
      <div class="table-scroll">
        <table class="agents">
          <caption class="visually-hidden">Agents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Source</th>
              <th scope="col">Version</th>
              <th scope="col">Handoffs</th>
              <th scope="col">Delegates</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.name} data-agent={a.name}>
                <td>
                  <a href={`#/agents/${encodeURIComponent(a.name)}`}>{a.name}</a>
                </td>
                <td class="small">{a.description}</td>
                <td>{a.source}</td>
                <td>{a.version}</td>
                <td class="small">{csv(a.handoffs)}</td>
                <td class="small">{csv(a.delegates)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
