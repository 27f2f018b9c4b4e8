/**
 * Node-only (dev): turns the gateway's OpenAPI document into the TypeScript
 * types of `./openapi.d.ts` with openapi-typescript. Run by `npm run openapi`;
 * a gateway test fails when the committed file is stale. Not exported from
 * `@hub/gateway/client` (the shared module stays browser-safe).
 */
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const CLIENT_TYPES_FILE = fileURLToPath(new URL('./openapi.d.ts', import.meta.url));

const HEADER = `/**
 * Generated from docs/openapi.json by openapi-typescript (\`npm run openapi\`). Do not edit.
 */

`;

/** The contents of openapi.d.ts for an OpenAPI document (JSON text). */
export async function clientTypes(openApiJson: string): Promise<string> {
  // defaultNonNullable: false — a field with a default stays optional, so request bodies need not repeat defaults.
  const ast = await openapiTS(JSON.parse(openApiJson) as Parameters<typeof openapiTS>[0], { defaultNonNullable: false });
  return HEADER + astToString(ast);
}
