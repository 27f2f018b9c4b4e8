import { describe, expect, it } from 'vitest';
import { formatAjvErrors, validatorFor } from '../../src/mcp';

describe('argument validation against the tool JSON Schema', () => {
  const schema = {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1 },
      labels: { type: 'array', items: { type: 'string' } },
      owner: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
      state: { enum: ['open', 'closed'] },
    },
    required: ['title'],
    additionalProperties: false,
  };

  it('names every failing field', () => {
    const v = validatorFor('h1', schema)!;
    expect(v({ labels: ['a', 3], owner: { email: 'not-an-email' }, state: 'x', extra: true })).toBe(false);
    const msg = formatAjvErrors(v.errors);
    expect(msg).toContain('title: is required');
    expect(msg).toContain('labels[1]: must be string');
    expect(msg).toContain('owner.email: must match format "email"');
    expect(msg).toContain('state: must be one of "open", "closed"');
    expect(msg).toContain('extra: is not allowed');
  });

  it('accepts valid arguments', () => {
    const v = validatorFor('h1', schema)!;
    expect(v({ title: 'x', labels: ['a'], owner: { email: 'a@b.co' }, state: 'open' })).toBe(true);
  });

  it('uses draft 2020-12 when $schema says so', () => {
    const v = validatorFor('h2', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { xs: { type: 'array', prefixItems: [{ type: 'number' }] } },
    })!;
    expect(v({ xs: ['nope'] })).toBe(false);
    expect(formatAjvErrors(v.errors)).toContain('xs[0]: must be number');
  });

  it('gives up (null) on a schema that does not compile, instead of blocking the tool', () => {
    expect(validatorFor('h3', { type: 'object', properties: { a: { type: 'no-such-type' } } })).toBeNull();
  });
});
