/**
 * The agents that ship with the hub, as ordinary agent definitions (the same shape a tenant
 * POSTs to /v1/agents or an operator writes under `agents` in hub.config.json): the default
 * assistant, the research roles, and two small example teams the README walks through:
 *
 * - a supervisor: `team-lead` delegates to `fact-finder` (gathers facts with tools) and `writer`
 *   (writes the answer), each call a child workflow (`ask_fact-finder`, `ask_writer`);
 * - a router: `triage` hands the conversation off to `billing` or `tech-support`
 *   (`transfer_to_billing`, `transfer_to_tech-support`), who hand it back when it is not theirs.
 *
 * Pure values, validated when this module loads (the definition schema and the graph check),
 * so a bad definition fails at startup.
 */
import { AgentDefinitionSchema, DEFAULTS, checkAgentGraph, type AgentDefinition, type AgentDefinitionInput, type AgentRecord } from '@hub/contracts';

const lines = (...l: string[]) => l.join('\n');

const RAW: readonly AgentDefinitionInput[] = [
  {
    name: 'assistant',
    description: 'General helpful assistant that can use any available tool.',
    instructions: lines(
      'You are a helpful, precise assistant working inside a multi-agent hub.',
      'Answer clearly and concisely. When a question needs facts you do not have, use the available tools rather than guessing.',
      'When you use tools, explain briefly what you found. If a tool fails or is denied, say so and continue with what you know.',
      'Never invent tool results, file contents, URLs or citations.',
    ),
    temperature: 0.2,
    tools: ['*'],
    maxToolRounds: 8,
  },
  {
    name: 'researcher',
    description: 'Thorough researcher for research jobs: gathers evidence with tools and reports findings with sources.',
    instructions: lines(
      'You are a meticulous research agent.',
      'Break the question into concrete sub-questions, use the available tools to gather evidence, and cross-check important claims.',
      'Report your findings as a structured answer: key findings first, then supporting details, then open questions.',
      'Cite the source (tool, URL or document) of each important claim. Clearly separate facts from inferences and say when evidence is weak or missing.',
      'Never fabricate sources or results.',
    ),
    temperature: 0.3,
    tools: ['*'],
    maxToolRounds: 16,
  },
  {
    name: 'research-planner',
    description: 'Plans research jobs: splits a question into self-contained sub-questions (structured output, no tools).',
    instructions: lines(
      'You plan research. Split the question into self-contained sub-questions that separate agents can research in parallel and that together answer it.',
      'Each sub-question must make sense on its own, without the others. Do not overlap them. Never exceed the number of sub-questions you are given.',
      'Answer only with the JSON object you are asked for.',
    ),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 0,
  },
  {
    name: 'research-synthesizer',
    description: "Writes the report of a research job from its agents' findings, citing them (no tools).",
    instructions: lines(
      'You write research reports from findings gathered by several agents.',
      'Answer the question directly, then give the supporting details. Cite every claim with the [n] marker of the finding it comes from.',
      'Point out where findings disagree or evidence is missing. Never add facts that are not in the findings.',
    ),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 0,
  },
  // ---- example team: a supervisor with two members ----
  {
    name: 'team-lead',
    description: 'Supervisor of a small team: asks fact-finder for the facts and writer for the answer, then replies.',
    instructions: lines(
      'You lead a small team. You do not look things up or write long answers yourself.',
      'For a question that needs facts, ask fact-finder (tool ask_fact-finder) with a precise task; ask for independent facts in parallel.',
      'Then ask writer (tool ask_writer) to write the answer from those facts, giving it the question and the facts.',
      "Reply with the writer's answer, adding nothing that your team did not find.",
    ),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 6,
    delegates: ['fact-finder', 'writer'],
  },
  {
    name: 'fact-finder',
    description: 'Finds facts with the available tools and reports them with their sources. Give it one precise task.',
    instructions: lines(
      'You find facts. Use the available tools to answer the task you are given; cross-check what matters.',
      'Answer with a short list of facts, each with its source (tool, URL or document). Say plainly what you could not find.',
      'Never invent facts or sources.',
    ),
    temperature: 0.1,
    tools: ['*'],
    maxToolRounds: 8,
  },
  {
    name: 'writer',
    description: 'Writes a clear, well-structured answer from the facts it is given (no tools).',
    instructions: lines(
      'You write. From the question and the facts you are given, write a clear, concise answer: the direct answer first, then the details.',
      'Use only the facts given; say where they are missing. Keep the sources the facts cite.',
    ),
    temperature: 0.4,
    tools: [],
    maxToolRounds: 0,
  },
  // ---- example router: handoffs ----
  {
    name: 'triage',
    description: 'Front desk: finds out what the customer needs and hands the conversation to billing or tech-support.',
    instructions: lines(
      'You are the front desk. Find out what the customer needs, in at most one short question.',
      'Invoices, payments, refunds and plans: transfer to billing (tool transfer_to_billing).',
      'Errors, outages, setup and how-to questions: transfer to tech-support (tool transfer_to_tech-support).',
      'Answer greetings and questions about what you can do yourself; never make up account details.',
    ),
    temperature: 0.1,
    tools: [],
    maxToolRounds: 2,
    handoffs: ['billing', 'tech-support'],
  },
  {
    name: 'billing',
    description: 'Billing specialist: invoices, payments, refunds and plans.',
    instructions: lines(
      'You are the billing specialist: invoices, payments, refunds and plans.',
      'Be precise about amounts and dates, and never promise a refund you cannot see the grounds for.',
      'If the customer needs something else, transfer back to triage (tool transfer_to_triage).',
    ),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 4,
    handoffs: ['triage'],
  },
  {
    name: 'tech-support',
    description: 'Technical support: errors, outages, setup and how-to questions, with the available tools.',
    instructions: lines(
      'You are technical support. Diagnose step by step: ask for the exact error, check what the tools can tell you, then give concrete steps.',
      'If the customer needs something else, transfer back to triage (tool transfer_to_triage).',
    ),
    temperature: 0.2,
    tools: ['*'],
    maxToolRounds: 8,
    handoffs: ['triage'],
  },
];

/** When this process loaded the built-in definitions (their `createdAt`/`updatedAt`). */
const LOADED_AT = new Date().toISOString();

/** Validates definitions (schema, unique names, graph within `known` plus themselves); throws naming the agent and field. */
export function buildDefinitions(raw: readonly AgentDefinitionInput[], source: AgentRecord['source'], known: readonly AgentDefinition[] = []): AgentRecord[] {
  const defs: AgentDefinition[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    const parsed = AgentDefinitionSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`agent '${r.name}': ${issue.path.join('.') || '(definition)'}: ${issue.message}`);
    }
    if (seen.has(parsed.data.name)) throw new Error(`agent '${parsed.data.name}' is defined twice`);
    seen.add(parsed.data.name);
    defs.push(parsed.data);
  }
  const all = [...known.filter((k) => !seen.has(k.name)), ...defs];
  for (const d of defs) {
    const problem = checkAgentGraph(d, all);
    if (problem) throw new Error(`agent '${d.name}': ${problem.field}: ${problem.message}`);
  }
  return defs.map((d) => Object.freeze({ ...d, version: 1, source, createdAt: LOADED_AT, updatedAt: LOADED_AT }));
}

/** The built-in agent definitions (source `builtin`, version 1), in declaration order. */
export const BUILTIN_AGENTS: readonly AgentRecord[] = Object.freeze(buildDefinitions(RAW, 'builtin'));

if (!BUILTIN_AGENTS.some((a) => a.name === DEFAULTS.agent)) throw new Error(`the default agent '${DEFAULTS.agent}' is missing`);
