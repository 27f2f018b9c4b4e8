/**
 * The gateway client of the CLI: `@hub/gateway/client` (types generated from
 * docs/openapi.json) and the mapping of its failures to exit codes.
 */
import { createHubClient, errorMessage, type HubClient } from '@hub/gateway/client';
import { CliError, EXIT } from './errors';

export interface GlobalOptions {
  url: string;
  apiKey?: string | undefined;
}

export function client(o: GlobalOptions): HubClient {
  return createHubClient({ url: o.url, apiKey: o.apiKey });
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of an openapi-fetch call, or a CliError: 404 → exit 4, other HTTP errors → exit 3. */
export async function ok<T>(call: Promise<Result<T>>, what: string): Promise<T> {
  let res: Result<T>;
  try {
    res = await call;
  } catch (err) {
    throw unreachable(err);
  }
  if (res.response.ok && res.data !== undefined) return res.data;
  const msg = errorMessage(res.error, res.response);
  if (res.response.status === 404) throw new CliError(`${what}: not found (${msg})`, EXIT.notFound);
  throw new CliError(`${what}: ${msg}`, EXIT.api);
}

/** A network failure (connection refused, DNS, …) as exit 3. */
export function unreachable(err: unknown): CliError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
  return new CliError(`cannot reach the gateway: ${detail} (set --url or HUB_URL)`, EXIT.api);
}
