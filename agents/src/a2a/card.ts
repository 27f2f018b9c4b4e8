/**
 * Reading a remote A2A agent's card: an SSRF-guarded fetch (`guardedFetch` of
 * @hub/tools, the guard of MCP HTTP servers: private, loopback and
 * link-local hosts are refused unless `security.allowPrivateHosts` lists
 * them, on every redirect hop and at connect time), bounded in time and
 * size, normalised by the SDK's card resolver (v1.0 cards and, through its
 * compatibility layer, v0.3 ones) and reduced to what the hub keeps: name,
 * description, skills, the JSON-RPC endpoint (checked by the same guard) and
 * its protocol version.
 */
import { DefaultAgentCardResolver } from '@a2a-js/sdk/client';
import { REMOTE_AGENT_LIMITS, RemoteAgentCardSummarySchema, formatIssues, type RemoteAgentCardSummary } from '@hub/contracts';
import { assertUrlAllowed, guardedFetch, isMcpSafetyError, type LookupAll } from '@hub/tools';

/**
 * Why a remote agent cannot be used: `refused` (a safety rule: a private
 * host), `invalid` (the card is not a usable A2A card), `unreachable` (the
 * card or endpoint could not be read; may pass).
 */
export class RemoteAgentError extends Error {
  override name = 'RemoteAgentError';
  constructor(
    readonly kind: 'refused' | 'invalid' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CardFetchOptions {
  allowPrivateHosts: readonly string[];
  /** DNS lookup (tests). */
  lookup?: LookupAll;
  timeoutMs?: number;
  maxBytes?: number;
}

/** Reads at most `max` bytes of a response body (more is an error). */
async function readBounded(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw new RemoteAgentError('invalid', `the agent card is larger than ${max} bytes`);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new RemoteAgentError('invalid', `the agent card is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const resolver = new DefaultAgentCardResolver({ legacyCompat: { enabled: true } });

/** The card summary of a parsed card document (throws `invalid` naming the field). */
export function summarizeCard(doc: unknown): RemoteAgentCardSummary {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RemoteAgentError('invalid', 'the agent card is not a JSON object');
  let card;
  try {
    card = resolver.normalizeAgentCard(doc);
  } catch (err) {
    throw new RemoteAgentError('invalid', `the agent card is malformed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : []);
  const jsonRpc = list(card.supportedInterfaces).filter((i) => String(i.protocolBinding ?? '').toUpperCase() === 'JSONRPC');
  const iface = jsonRpc.find((i) => i.protocolVersion === '1.0') ?? jsonRpc[0];
  if (!iface) throw new RemoteAgentError('invalid', 'the agent card offers no JSON-RPC interface (supportedInterfaces)');
  const summary = {
    cardName: card.name ?? '',
    description: card.description ?? '',
    skills: list(card.skills).slice(0, REMOTE_AGENT_LIMITS.maxSkills).map((s) => ({
      id: s.id ?? '',
      name: s.name ?? '',
      ...(s.description ? { description: s.description } : {}),
    })),
    url: iface.url ?? '',
    protocolVersion: iface.protocolVersion || '1.0',
    streaming: card.capabilities?.streaming === true,
    ...(card.version ? { version: card.version } : {}),
  };
  const parsed = RemoteAgentCardSummarySchema.safeParse(summary);
  if (!parsed.success) throw new RemoteAgentError('invalid', `the agent card is not usable: ${formatIssues(parsed.error.issues, 'card')}`);
  return parsed.data;
}

/** Fetches, validates and summarises the card at `cardUrl`; its JSON-RPC endpoint must pass the same guard. */
export async function fetchRemoteAgentCard(cardUrl: string, headers: Record<string, string> | undefined, opts: CardFetchOptions): Promise<RemoteAgentCardSummary> {
  const guard = async (url: string, what: string) => {
    try {
      await assertUrlAllowed(url, opts.allowPrivateHosts, opts.lookup);
    } catch (err) {
      if (isMcpSafetyError(err)) throw new RemoteAgentError('refused', `${what}: ${err.message}`, { cause: err });
      throw new RemoteAgentError('unreachable', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  await guard(cardUrl, 'agent card URL');
  const fetch = guardedFetch(opts.allowPrivateHosts, opts.lookup ? { lookup: opts.lookup } : {});
  let text: string;
  try {
    const res = await fetch(cardUrl, {
      headers: { ...headers, Accept: 'application/json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? REMOTE_AGENT_LIMITS.cardTimeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RemoteAgentError('unreachable', `the agent card at ${cardUrl} answered HTTP ${res.status}`);
    }
    text = await readBounded(res, opts.maxBytes ?? REMOTE_AGENT_LIMITS.maxCardBytes);
  } catch (err) {
    if (err instanceof RemoteAgentError) throw err;
    if (isMcpSafetyError(err)) throw new RemoteAgentError('refused', err.message, { cause: err });
    throw new RemoteAgentError('unreachable', `the agent card at ${cardUrl} could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await fetch.close().catch(() => undefined);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new RemoteAgentError('invalid', `the agent card at ${cardUrl} is not JSON`);
  }
  const summary = summarizeCard(doc);
  await guard(summary.url, 'the agent card\'s JSON-RPC endpoint');
  return summary;
}
