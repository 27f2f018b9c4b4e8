/**
 * The agent form's model (no browser needed): a draft of text fields from a
 * record and back to the definition the gateway takes (`POST /v1/agents`,
 * `PUT /v1/agents/{name}`), and the gateway's 400s mapped onto the fields they
 * name, so each message shows next to its field.
 */
import type { AgentDefinition } from '@hub/contracts';

export const FIELDS = ['name', 'description', 'instructions', 'model', 'temperature', 'tools', 'maxToolRounds', 'handoffs', 'delegates', 'outputSchema'] as const;
export type Field = (typeof FIELDS)[number];

/** The form's fields as typed (lists comma- or line-separated, the output schema as JSON text). */
export type AgentDraft = Record<Field, string>;

/** The definition sent to the gateway: what `AgentDefinitionSchema` reads (the contracts' type, defaults filled in). */
export type AgentBody = AgentDefinition;

/** Messages by field; `form` holds what names no field of the form. */
export type FieldErrors = Partial<Record<Field | 'form', string[]>>;

export const emptyDraft = (): AgentDraft => ({
  name: '',
  description: '',
  instructions: '',
  model: '',
  temperature: '0.2',
  tools: '',
  maxToolRounds: '8',
  handoffs: '',
  delegates: '',
  outputSchema: '',
});

/** A draft of an existing agent (to edit it as its next version). */
export function draftOf(r: AgentDefinition): AgentDraft {
  return {
    name: r.name,
    description: r.description,
    instructions: r.instructions,
    model: Array.isArray(r.model) ? r.model.join(', ') : (r.model ?? ''),
    temperature: String(r.temperature),
    tools: r.tools.join(', '),
    maxToolRounds: String(r.maxToolRounds),
    handoffs: r.handoffs.join(', '),
    delegates: r.delegates.join(', '),
    outputSchema: r.outputSchema ? JSON.stringify(r.outputSchema, null, 2) : '',
  };
}

const list = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The model field: one model, or a comma-separated list of aliases tried in order (fallbacks). */
function modelOf(text: string): { model?: string | string[] } {
  const models = list(text);
  return models.length === 0 ? {} : models.length === 1 ? { model: models[0]! } : { model: models };
}

/**
 * The body of a draft, or the fields that cannot be read at all (a number that
 * is not one, JSON that does not parse). Everything else (ranges, slugs,
 * unknown agents) is the gateway's to check: its messages are the ones shown.
 */
export function bodyOf(d: AgentDraft): { ok: true; body: AgentBody } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const num = (field: 'temperature' | 'maxToolRounds'): number => {
    const n = Number(d[field].trim());
    if (d[field].trim() === '' || !Number.isFinite(n)) errors[field] = [`${field} must be a number`];
    return n;
  };
  const temperature = num('temperature');
  const maxToolRounds = num('maxToolRounds');
  let outputSchema: Record<string, unknown> | undefined;
  if (d.outputSchema.trim()) {
    try {
      const parsed: unknown = JSON.parse(d.outputSchema);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) errors.outputSchema = ['outputSchema must be a JSON object'];
      else outputSchema = parsed as Record<string, unknown>;
    } catch (err) {
      errors.outputSchema = [`outputSchema is not valid JSON: ${err instanceof Error ? err.message : String(err)}`];
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      name: d.name.trim(),
      description: d.description,
      instructions: d.instructions,
      ...modelOf(d.model),
      temperature,
      tools: list(d.tools),
      maxToolRounds,
      handoffs: list(d.handoffs),
      delegates: list(d.delegates),
      ...(outputSchema ? { outputSchema } : {}),
    },
  };
}

interface Issue {
  path?: unknown;
  message?: unknown;
}

/** `handoffs[0]` → `handoffs`; `outputSchema.type` → `outputSchema`; anything else: undefined. */
export function fieldOfPath(path: string): Field | undefined {
  const head = path.replace(/^body\./, '').split(/[.[]/)[0] ?? '';
  return (FIELDS as readonly string[]).includes(head) ? (head as Field) : undefined;
}

function add(errors: FieldErrors, key: Field | 'form', message: string): void {
  (errors[key] ??= []).push(message);
}

/**
 * The gateway's 400 mapped onto the form: `details.issues[]` (the validation
 * hook: `{path, message}`) or `details.field` (a refused reference or cycle);
 * a message naming no field of the form goes to `form`. Each message keeps the
 * path it names inside a field (`handoffs[1]: unknown agent 'x'`).
 */
export function fieldErrors(err: { message: string; details?: unknown }): FieldErrors {
  const errors: FieldErrors = {};
  const details = (err.details ?? {}) as { issues?: unknown; field?: unknown };
  const issues = Array.isArray(details.issues) ? (details.issues as Issue[]) : [];
  for (const i of issues) {
    const path = typeof i.path === 'string' ? i.path : Array.isArray(i.path) ? i.path.join('.') : '';
    const message = typeof i.message === 'string' ? i.message : String(i.message);
    const field = fieldOfPath(path);
    if (!field) add(errors, 'form', path && path !== '(root)' ? `${path}: ${message}` : message);
    else add(errors, field, path === field ? message : `${path}: ${message}`);
  }
  if (issues.length === 0) {
    const field = typeof details.field === 'string' ? fieldOfPath(details.field) : undefined;
    if (field) add(errors, field, err.message);
    else {
      // No details: a message that starts with a field's path (`temperature: …`) still names it.
      const named = /^(?:[a-z_]+: )?(?:invalid request body: )?([A-Za-z]+(?:\[\d+\])?): /.exec(err.message);
      const f = named ? fieldOfPath(named[1]!) : undefined;
      add(errors, f ?? 'form', err.message);
    }
  }
  return errors;
}

/** The text of a JSON editor of the whole definition. */
export function jsonOf(d: AgentDraft): string {
  const r = bodyOf(d);
  return JSON.stringify(r.ok ? r.body : { ...d }, null, 2);
}

/** The draft of a JSON editor's text, or why it is not a definition object. */
export function draftOfJson(text: string): { ok: true; draft: AgentDraft } | { ok: false; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'the definition must be a JSON object' };
  const o = v as Record<string, unknown>;
  const d = emptyDraft();
  const str = (x: unknown) => (typeof x === 'string' ? x : x === undefined ? '' : JSON.stringify(x));
  const lst = (x: unknown) => (Array.isArray(x) ? x.map(String).join(', ') : str(x));
  for (const f of ['name', 'description', 'instructions'] as const) d[f] = str(o[f]);
  d.model = lst(o.model);
  if (o.temperature !== undefined) d.temperature = str(o.temperature);
  if (o.maxToolRounds !== undefined) d.maxToolRounds = str(o.maxToolRounds);
  for (const f of ['tools', 'handoffs', 'delegates'] as const) d[f] = lst(o[f]);
  d.outputSchema = o.outputSchema === undefined ? '' : JSON.stringify(o.outputSchema, null, 2);
  return { ok: true, draft: d };
}

/** The remote-agent form's headers: `Name: value` lines → headers; a line without a colon is refused. */
export function parseHeaders(text: string): { ok: true; headers: Record<string, string> } | { ok: false; error: string } {
  const headers: Record<string, string> = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at <= 0) return { ok: false, error: `headers line ${i + 1}: write "Name: value"` };
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { ok: true, headers };
}
