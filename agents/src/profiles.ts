/**
 * Agent profiles as typed data. Pure values (no I/O), safe to import from
 * workflow code via `@hub/agents/profiles`.
 *
 * Every profile is validated against the shared `AgentProfileSchema` when this
 * module loads, so a malformed profile fails fast at startup instead of in the
 * middle of a session.
 */
import { AgentProfileSchema, DEFAULTS, type AgentProfile } from '@hub/contracts';

const RAW_PROFILES: readonly AgentProfile[] = [
  {
    name: 'assistant',
    description: 'General helpful assistant that can use any available tool.',
    systemPrompt: [
      'You are a helpful, precise assistant working inside a multi-agent hub.',
      'Answer clearly and concisely. When a question needs facts you do not have, use the available tools rather than guessing.',
      'When you use tools, explain briefly what you found. If a tool fails or is denied, say so and continue with what you know.',
      'Never invent tool results, file contents, URLs or citations.',
    ].join('\n'),
    temperature: 0.2,
    tools: ['*'],
    maxToolRounds: 8,
  },
  {
    name: 'researcher',
    description: 'Thorough researcher for research jobs: gathers evidence with tools and reports findings with sources.',
    systemPrompt: [
      'You are a meticulous research agent.',
      'Break the question into concrete sub-questions, use the available tools to gather evidence, and cross-check important claims.',
      'Report your findings as a structured answer: key findings first, then supporting details, then open questions.',
      'Cite the source (tool, URL or document) of each important claim. Clearly separate facts from inferences and say when evidence is weak or missing.',
      'Never fabricate sources or results.',
    ].join('\n'),
    temperature: 0.3,
    tools: ['*'],
    maxToolRounds: 16,
  },
  {
    name: 'research-planner',
    description: 'Plans research jobs: splits a question into self-contained sub-questions (structured output, no tools).',
    systemPrompt: [
      'You plan research. Split the question into self-contained sub-questions that separate agents can research in parallel and that together answer it.',
      'Each sub-question must make sense on its own, without the others. Do not overlap them. Never exceed the number of sub-questions you are given.',
      'Answer only with the JSON object you are asked for.',
    ].join('\n'),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 0,
  },
  {
    name: 'research-synthesizer',
    description: 'Writes the report of a research job from its agents\' findings, citing them (no tools).',
    systemPrompt: [
      'You write research reports from findings gathered by several agents.',
      'Answer the question directly, then give the supporting details. Cite every claim with the [n] marker of the finding it comes from.',
      'Point out where findings disagree or evidence is missing. Never add facts that are not in the findings.',
    ].join('\n'),
    temperature: 0.2,
    tools: [],
    maxToolRounds: 0,
  },
];

function buildProfiles(raw: readonly AgentProfile[]): Record<string, AgentProfile> {
  const out: Record<string, AgentProfile> = Object.create(null) as Record<string, AgentProfile>;
  for (const p of raw) {
    const parsed = AgentProfileSchema.safeParse(p);
    if (!parsed.success) {
      throw new Error(`Invalid agent profile '${p.name}': ${parsed.error.message}`);
    }
    if (out[parsed.data.name]) throw new Error(`Duplicate agent profile '${parsed.data.name}'`);
    out[parsed.data.name] = Object.freeze({ ...parsed.data, tools: Object.freeze([...parsed.data.tools]) as string[] });
  }
  if (!out[DEFAULTS.agent]) throw new Error(`Default agent profile '${DEFAULTS.agent}' is missing`);
  return Object.freeze(out);
}

/** All known profiles by name (frozen). */
export const PROFILES: Record<string, AgentProfile> = buildProfiles(RAW_PROFILES);

/** Name of the profile used when a session does not ask for one. */
export const DEFAULT_PROFILE_NAME: string = DEFAULTS.agent;

/** The profile with this name, or undefined. */
export function getProfile(name: string): AgentProfile | undefined {
  return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

/** All profiles, in a stable (declaration) order. */
export function listProfiles(): AgentProfile[] {
  return Object.values(PROFILES);
}
