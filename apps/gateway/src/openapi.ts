/**
 * `npm run openapi`: writes the gateway's OpenAPI document (generated from the
 * zod route schemas, exactly what GET /openapi.json serves) to
 * docs/openapi.json, and the typed client's types (client/openapi.d.ts) from it.
 * Gateway tests fail when either committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { getProfile, listProfiles } from '@hub/agents/profiles';
import { DEFAULT_TASK_QUEUE } from '@hub/contracts';
import { createApp } from './app';
import { silentLogger } from './log';
import { createServices } from './services';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** The document as served at /openapi.json (no Temporal connection is made). */
export async function openApiDocument(): Promise<string> {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
  const services = createServices(client, { taskQueue: DEFAULT_TASK_QUEUE, profiles: { get: getProfile, list: listProfiles } });
  const app = createApp(services, { log: silentLogger });
  const res = await app.request('/openapi.json');
  return JSON.stringify(await res.json(), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { CLIENT_TYPES_FILE, clientTypes } = await import('../client/generate');
  const doc = await openApiDocument();
  writeFileSync(OPENAPI_FILE, doc);
  writeFileSync(CLIENT_TYPES_FILE, await clientTypes(doc));
  process.stdout.write(`wrote ${OPENAPI_FILE}\nwrote ${CLIENT_TYPES_FILE}\n`);
}
