import { describe, expect, it } from 'vitest';
import { McpToolDefinitionSchema } from '@hub/contracts';
import { canonicalJson, toDefinition, toolDefinitionHash } from '../../src/mcp';

describe('tool pinning hash', () => {
  const schema = { type: 'object', properties: { b: { type: 'string' }, a: { type: 'number' } }, required: ['a'] };

  it('is sha256 hex of the canonical JSON, independent of key order', () => {
    const h1 = toolDefinitionHash({ name: 't', description: 'd', inputSchema: schema });
    const h2 = toolDefinitionHash({
      inputSchema: { required: ['a'], properties: { a: { type: 'number' }, b: { type: 'string' } }, type: 'object' },
      description: 'd',
      name: 't',
    });
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(h2).toBe(h1);
  });

  it('changes when the name, the description or the schema changes', () => {
    const base = toolDefinitionHash({ name: 't', description: 'd', inputSchema: schema });
    expect(toolDefinitionHash({ name: 'u', description: 'd', inputSchema: schema })).not.toBe(base);
    expect(toolDefinitionHash({ name: 't', description: 'd!', inputSchema: schema })).not.toBe(base);
    expect(toolDefinitionHash({ name: 't', inputSchema: schema })).not.toBe(base);
    expect(toolDefinitionHash({ name: 't', description: 'd', inputSchema: { ...schema, required: ['b'] } })).not.toBe(base);
  });

  it('ignores fields outside name/description/inputSchema', () => {
    const tool = { name: 't', description: 'd', inputSchema: schema };
    expect(toolDefinitionHash({ ...tool, annotations: { readOnlyHint: true } } as typeof tool)).toBe(toolDefinitionHash(tool));
  });

  it('canonicalJson sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('toDefinition gives a valid McpToolDefinition', () => {
    const def = toDefinition({ name: 't', description: 'd', inputSchema: schema });
    expect(McpToolDefinitionSchema.parse(def)).toEqual(def);
    expect(def.hash).toBe(toolDefinitionHash({ name: 't', description: 'd', inputSchema: schema }));
    expect('description' in toDefinition({ name: 't', inputSchema: schema })).toBe(false);
  });
});
