/**
 * The agent routes the Agents screen calls (`/v1/agents…`, `/v1/a2a/remotes…`),
 * typed with the contracts' record shapes. Lists may come as `{agents: […]}`,
 * `{versions: […]}`, `{remotes: […]}` or a bare array.
 */
import type { AgentRecord, RemoteAgentRecord, RemoteAgentRegistration } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { callApi } from '../../api';
import type { AgentBody } from './agent-form-model';

function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  const inner = (data as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

const enc = encodeURIComponent;

export const agentsApi = {
  list: async (client: HubClient) => listOf<AgentRecord>(await callApi(client, 'GET', '/v1/agents'), 'agents'),
  get: (client: HubClient, name: string) => callApi<AgentRecord>(client, 'GET', `/v1/agents/${enc(name)}`),
  versions: async (client: HubClient, name: string) =>
    listOf<AgentRecord>(await callApi(client, 'GET', `/v1/agents/${enc(name)}/versions`), 'versions').sort((a, b) => b.version - a.version),
  create: (client: HubClient, body: AgentBody | Record<string, unknown>) => callApi<AgentRecord>(client, 'POST', '/v1/agents', body),
  update: (client: HubClient, name: string, body: AgentBody | Record<string, unknown>) => callApi<AgentRecord>(client, 'PUT', `/v1/agents/${enc(name)}`, body),
  remove: (client: HubClient, name: string) => callApi<unknown>(client, 'DELETE', `/v1/agents/${enc(name)}`),
  remotes: async (client: HubClient) => listOf<RemoteAgentRecord>(await callApi(client, 'GET', '/v1/a2a/remotes'), 'remotes'),
  addRemote: (client: HubClient, body: RemoteAgentRegistration) => callApi<RemoteAgentRecord>(client, 'POST', '/v1/a2a/remotes', body),
  removeRemote: (client: HubClient, name: string) => callApi<unknown>(client, 'DELETE', `/v1/a2a/remotes/${enc(name)}`),
};

/** Agents the API lets this tenant change (built-in and config agents are read-only). */
export const editable = (a: Pick<AgentRecord, 'source'>): boolean => a.source === 'api';
