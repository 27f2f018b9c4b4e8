/** The input and output schemas of the MCP tools (the MCP contract of mcp-endpoint/tools.ts). */
import { z } from 'zod';
import { AGENT_REF_RE, DEFAULTS, LIMITS, RESEARCH_LIMITS, SESSION_ID_RE, TurnStatusSchema } from '@hub/contracts';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../http/list-query';

const sessionIdSchema = z
  .string()
  .regex(SESSION_ID_RE, 'session id may contain letters, digits, _ and -')
  .describe('Id of the session to continue (from an earlier `chat` result or `list_sessions`); omit to start a new session');

export const chatInput = {
  message: z
    .string()
    .min(1)
    .max(LIMITS.maxMessageChars)
    .refine((s) => s.trim().length > 0, { message: 'message must not be empty' })
    .describe('The user message'),
  sessionId: sessionIdSchema.optional(),
  agent: z
    .string()
    .regex(AGENT_REF_RE, 'an agent is a name, optionally with a version: "support" (its latest version) or "support@3"')
    .optional()
    .describe(
      `Agent of a new session: a name from \`list_agents\` (its latest version) or name@version, e.g. "support@3" (default "${DEFAULTS.agent}"); ignored when sessionId is given`,
    ),
};

export const chatOutput = {
  sessionId: z.string().describe('The session; pass it to continue the conversation'),
  turnId: z.string(),
  status: TurnStatusSchema,
  reply: z.string().describe("The agent's reply (empty when the turn did not complete)"),
  error: z.string().optional().describe('Why the turn did not complete (with isError: true)'),
};

const sessionSummary = z.object({
  id: z.string(),
  status: z.enum(['running', 'closed', 'continued_as_new', 'failed', 'cancelled', 'terminated', 'timed_out', 'unknown']),
  agent: z.string().optional(),
  startTime: z.string().describe('ISO time the current run started'),
  closeTime: z.string().optional(),
});

const agentSummary = z.object({
  name: z.string(),
  description: z.string(),
  version: z.number().int().describe('Latest version (pin one with name@version in `chat`)'),
  source: z.enum(['builtin', 'config', 'api', 'remote']).describe('builtin: ships with the hub; config: hub.config.json; api: defined by your tenant; remote: an A2A agent'),
  handoffs: z.array(z.string()).describe('Agents it may transfer the conversation to'),
  delegates: z.array(z.string()).describe('Agents it may ask as tools'),
});

export const listAgentsInput = {};
export const listAgentsOutput = { agents: z.array(agentSummary) };

export const listSessionsInput = {
  limit: z.number().int().min(1).max(LIST_LIMIT_MAX).optional().describe(`Most sessions to return (default ${LIST_LIMIT_DEFAULT})`),
};
export const listSessionsOutput = { sessions: z.array(sessionSummary) };

export const startResearchInput = {
  question: z.string().min(1).max(LIMITS.maxMessageChars).describe('The research question'),
  maxAgents: z
    .number()
    .int()
    .min(1)
    .max(RESEARCH_LIMITS.maxAgents)
    .default(5)
    .describe(`Most agents working on it in parallel (default 5, up to ${RESEARCH_LIMITS.maxAgents})`),
  minSuccessRatio: z.number().min(0).max(1).optional().describe('Share of agents that must succeed (default 0.5)'),
  deadline: z.string().optional().describe('Time the agents have, e.g. "10m"'),
};
/** A research job id as the REST route takes it: no `/`, so no other workflow of the tenant (an agent of a job) is reachable by it. */
export const RESEARCH_ID_RE = /^[a-zA-Z0-9_-]{1,128}$/;
export const getResearchInput = {
  id: z.string().regex(RESEARCH_ID_RE, 'a research job id has 1-128 letters, digits, _ and - (from `start_research`)').describe('Research job id (from `start_research`)'),
};
