/**
 * The gateway's agent routes as the CLI calls them (`/v1/agents`, `/v1/agents/{name}`,
 * `/v1/agents/{name}/versions`), typed by the agent schemas of @hub/contracts (the source the
 * gateway validates with). Requests go through the client's idempotent fetch (POST, PUT and DELETE
 * carry an Idempotency-Key); failures map to exit codes as `ok()` does: 404 → 4, others → 3, with
 * a 400's field-by-field issues spelled out.
 */
import type { AgentDefinitionInput, AgentRecord } from '@hub/contracts';
import { errorMessage, idempotentFetch } from '@hub/gateway/client';
import { unreachable, type GlobalOptions } from './api';
import { CliError, EXIT } from './errors';

export interface AgentList {
  agents: AgentRecord[];
}
export interface AgentVersions {
  /** The agent (the gateway answers only `versions`; the CLI adds the name it asked for). */
  name: string;
  /** Newest first. */
  versions: AgentRecord[];
}

/** The `issues` of a 400 (`details.issues[] {path, message}` or `details.field`), one `field: message` line each. */
export function validationLines(body: unknown): string[] {
  const details = (body as { error?: { details?: unknown } } | undefined)?.error?.details as
    | { issues?: Array<{ path?: unknown; message?: unknown }>; field?: unknown }
    | undefined;
  if (!details || typeof details !== 'object') return [];
  const issues = Array.isArray(details.issues) ? details.issues : [];
  const lines = issues
    .filter((i) => typeof i?.message === 'string')
    .map((i) => (typeof i.path === 'string' && i.path ? `${i.path}: ${String(i.message)}` : String(i.message)));
  if (lines.length === 0 && typeof details.field === 'string') return [`${details.field}`];
  return lines;
}

/** The error of a failed call: what it was, the gateway's message and (400) every field it names. */
export function apiFailure(what: string, status: number, body: unknown, response?: Response): CliError {
  const msg = errorMessage(body, response);
  if (status === 404) return new CliError(`${what}: not found (${msg})`, EXIT.notFound);
  const fields = status === 400 ? validationLines(body) : [];
  // The message usually lists the issues already; add the lines only when it names more than one.
  const extra = fields.length > 1 ? `\n${fields.map((f) => `  - ${f}`).join('\n')}` : '';
  return new CliError(`${what}: ${msg}${extra}`, EXIT.api);
}

export interface AgentsApi {
  list(): Promise<AgentList>;
  get(name: string, version?: number): Promise<AgentRecord>;
  versions(name: string): Promise<AgentVersions>;
  create(definition: AgentDefinitionInput): Promise<AgentRecord>;
  update(name: string, definition: Partial<AgentDefinitionInput>): Promise<AgentRecord>;
  remove(name: string): Promise<{ deleted: string }>;
}

export function agentsApi(o: GlobalOptions, fetchImpl: typeof fetch = idempotentFetch()): AgentsApi {
  const base = o.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, what: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchImpl(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw unreachable(err);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok || parsed === undefined) throw apiFailure(what, res.status, parsed, res);
    return parsed as T;
  };
  const at = (name: string) => `/v1/agents/${encodeURIComponent(name)}`;
  return {
    list: () => call<AgentList>('GET', '/v1/agents', 'agents'),
    get: (name, version) => call<AgentRecord>('GET', at(name) + (version !== undefined ? `?version=${version}` : ''), `agent ${name}${version !== undefined ? `@${version}` : ''}`),
    versions: async (name) => {
      const r = await call<AgentVersions | AgentRecord[]>('GET', `${at(name)}/versions`, `agent ${name}`);
      const versions = [...(Array.isArray(r) ? r : r.versions)].sort((a, b) => b.version - a.version);
      return { name, versions };
    },
    create: (definition) => call<AgentRecord>('POST', '/v1/agents', `agent ${definition.name}`, definition),
    update: (name, definition) => call<AgentRecord>('PUT', at(name), `agent ${name}`, definition),
    remove: (name) => call<{ deleted: string }>('DELETE', at(name), `agent ${name}`),
  };
}
