/** The Agents screen's form model: drafts ↔ definitions, and the gateway's 400s next to the fields they name. */
import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, draftOfJson, emptyDraft, fieldErrors, fieldOfPath, jsonOf, parseHeaders } from '../src/screens/agents/agent-form-model';

const record = {
  name: 'support',
  description: 'Answers questions',
  instructions: 'Be kind.',
  model: 'gpt-x',
  temperature: 0.5,
  tools: ['calculator', 'pinboard__*'],
  maxToolRounds: 4,
  handoffs: ['billing'],
  delegates: ['researcher', 'writer'],
  outputSchema: { type: 'object', properties: { answer: { type: 'string' } } },
};

describe('agent form model', () => {
  it('turns a record into a draft and back into the same definition', () => {
    const r = bodyOf(draftOf(record));
    expect(r).toEqual({ ok: true, body: record });
  });

  it('reads lists separated by commas, spaces or lines, and leaves out an empty model and schema', () => {
    const d = { ...emptyDraft(), name: ' triage ', instructions: 'Route.', handoffs: 'billing,\nrefunds  support', tools: '' };
    expect(bodyOf(d)).toEqual({
      ok: true,
      body: { name: 'triage', description: '', instructions: 'Route.', temperature: 0.2, tools: [], maxToolRounds: 8, handoffs: ['billing', 'refunds', 'support'], delegates: [] },
    });
  });

  it('refuses fields it cannot read: a number that is none, JSON that does not parse or is no object', () => {
    const r = bodyOf({ ...emptyDraft(), temperature: 'warm', maxToolRounds: '', outputSchema: '{"type":' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.temperature).toEqual(['temperature must be a number']);
    expect(r.errors.maxToolRounds).toEqual(['maxToolRounds must be a number']);
    expect(r.errors.outputSchema?.[0]).toMatch(/^outputSchema is not valid JSON/);
    const arr = bodyOf({ ...emptyDraft(), outputSchema: '[1]' });
    expect(arr.ok ? undefined : arr.errors.outputSchema).toEqual(['outputSchema must be a JSON object']);
  });

  it("maps the validation hook's issues onto fields, keeping the index inside a list", () => {
    const errors = fieldErrors({
      message: 'invalid request body: temperature: Too big; handoffs[1]: agent names are slugs',
      details: {
        target: 'body',
        issues: [
          { path: 'temperature', message: 'Too big: expected number to be <=2', code: 'too_big' },
          { path: 'handoffs[1]', message: 'agent names are slugs', code: 'invalid_format' },
          { path: 'outputSchema', message: 'outputSchema must be a JSON Schema of an object ("type": "object")', code: 'custom' },
          { path: '(root)', message: 'Unrecognized key: "colour"', code: 'unrecognized_keys' },
        ],
      },
    });
    expect(errors).toEqual({
      temperature: ['Too big: expected number to be <=2'],
      handoffs: ['handoffs[1]: agent names are slugs'],
      outputSchema: ['outputSchema must be a JSON Schema of an object ("type": "object")'],
      form: ['Unrecognized key: "colour"'],
    });
  });

  it('maps a refused reference (details.field), a message naming a field, and anything else to the form', () => {
    expect(fieldErrors({ message: "delegates[0]: unknown agent 'ghost'", details: { field: 'delegates[0]' } })).toEqual({
      delegates: ["delegates[0]: unknown agent 'ghost'"],
    });
    expect(fieldErrors({ message: 'invalid_request: handoffs[0]: unknown agent x' })).toEqual({ handoffs: ['invalid_request: handoffs[0]: unknown agent x'] });
    expect(fieldErrors({ message: 'conflict: agent support exists' })).toEqual({ form: ['conflict: agent support exists'] });
    expect(fieldOfPath('body.name')).toBe('name');
    expect(fieldOfPath('outputSchema.type')).toBe('outputSchema');
    expect(fieldOfPath('colour')).toBeUndefined();
  });

  it('round-trips the JSON editor', () => {
    const text = jsonOf(draftOf(record));
    expect(JSON.parse(text)).toEqual(record);
    const back = draftOfJson(text);
    expect(back.ok && bodyOf(back.draft)).toEqual({ ok: true, body: record });
    expect(draftOfJson('[]')).toEqual({ ok: false, error: 'the definition must be a JSON object' });
    expect(draftOfJson('{').ok).toBe(false);
  });
});

describe('remote agent headers', () => {
  it('reads "Name: value" lines (values may hold colons) and refuses a line without a name', () => {
    expect(parseHeaders('Authorization: Bearer a:b\n\nX-Team:  blue ')).toEqual({ ok: true, headers: { Authorization: 'Bearer a:b', 'X-Team': 'blue' } });
    expect(parseHeaders('')).toEqual({ ok: true, headers: {} });
    expect(parseHeaders('ok: 1\nno colon')).toEqual({ ok: false, error: 'headers line 2: write "Name: value"' });
  });
});
