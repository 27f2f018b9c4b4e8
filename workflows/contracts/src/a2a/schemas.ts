/**
 * Schemas of remote A2A agents: the registration body (built by
 * `remoteAgentSchemas` in `./wire`, which the registry workflow validates
 * with), the card summary the hub keeps, and the record the API answers
 * (the shapes of `./wire`, checked below).
 */
import { z } from 'zod';
import type { Expect, Same } from '../common/schemas';
import {
  REMOTE_AGENT_LIMITS,
  remoteAgentSchemas,
  type RemoteAgentCardSummary,
  type RemoteAgentRecord,
  type RemoteAgentRegistration,
  type RemoteAgentSkill,
  type StoredRemoteAgent,
} from './wire';

const remotes = remoteAgentSchemas(z);

/** Body of `POST /v1/a2a/remotes`. */
export const RemoteAgentRegistrationSchema = remotes.registration.describe(
  'A remote A2A agent to use as a delegate: its agent card URL and the headers to send it (values are never returned)',
);

export const RemoteAgentSkillSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
});

/** What the hub keeps of a remote agent's card; a fetched card that does not fit is refused (naming the field). */
export const RemoteAgentCardSummarySchema = z.object({
  cardName: z.string().min(1, { message: 'the agent card has no name' }),
  description: z.string(),
  skills: z.array(RemoteAgentSkillSchema).max(REMOTE_AGENT_LIMITS.maxSkills),
  url: z.url({ protocol: /^https?$/, message: 'the agent card names no http(s) JSON-RPC endpoint' }),
  protocolVersion: z.string().min(1),
  streaming: z.boolean(),
  version: z.string().optional(),
});

export const RemoteAgentRecordSchema = RemoteAgentCardSummarySchema.extend({
  name: z.string(),
  cardUrl: z.string(),
  source: z.literal('remote'),
  headerNames: z.array(z.string()).describe('Names of the headers sent to the remote (values are never returned)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const StoredRemoteAgentSchema = RemoteAgentRecordSchema.extend({
  headers: z.record(z.string(), z.string()),
});

type _Proofs = [
  Expect<Same<z.infer<typeof RemoteAgentRegistrationSchema>, RemoteAgentRegistration>>,
  Expect<Same<z.infer<typeof RemoteAgentSkillSchema>, RemoteAgentSkill>>,
  Expect<Same<z.infer<typeof RemoteAgentCardSummarySchema>, RemoteAgentCardSummary>>,
  Expect<Same<z.infer<typeof RemoteAgentRecordSchema>, RemoteAgentRecord>>,
  Expect<Same<z.infer<typeof StoredRemoteAgentSchema>, StoredRemoteAgent>>,
];
