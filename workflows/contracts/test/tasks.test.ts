import { describe, expect, it } from 'vitest';
import { CreateTaskBodySchema } from '../src/task/schemas';
import { CompensationMappingError, parseTaskWorkflowId, resolveCompensationArgs, taskToolName, taskWorkflowId } from '../src/task/wire';

describe('saga task contracts', () => {
  it('maps task tool names to hub tool names', () => {
    expect(taskToolName('bookings/create_booking')).toBe('bookings__create_booking');
    expect(taskToolName('srv/tool.with-dots')).toBe('srv__tool_with-dots');
    expect(taskToolName('calculator')).toBe('calculator');
  });

  it('validates the create body', () => {
    const step = { tool: 'bookings/create_booking', args: { resource: 'r' } };
    expect(CreateTaskBodySchema.safeParse({ steps: [step] }).success).toBe(true);
    expect(CreateTaskBodySchema.safeParse({ steps: [] }).success).toBe(false);
    expect(CreateTaskBodySchema.safeParse({ steps: Array.from({ length: 51 }, () => step) }).success).toBe(false);
    expect(CreateTaskBodySchema.safeParse({ steps: [{ ...step, tool: 'a/b/c' }] }).success).toBe(false);
    expect(CreateTaskBodySchema.safeParse({ steps: [{ ...step, tool: `s/${'x'.repeat(70)}` }] }).success).toBe(false);
    expect(CreateTaskBodySchema.safeParse({ steps: [{ ...step, compensate: { tool: 'bookings/cancel_booking', args: {} } }] }).success).toBe(true);
  });

  it('resolves $args and $result references in compensation args', () => {
    const step = { args: { resource: 'room', nested: { n: 2 } }, result: '{"bookingId":"bk-1","items":[{"id":"i0"}]}' };
    expect(
      resolveCompensationArgs(
        { a: '$args.resource', b: '$args.nested.n', c: '$result.bookingId', d: '$result.items.0.id', e: ['$args'], f: '$$literal', g: 'x $result', h: 3 },
        step,
      ),
    ).toEqual({ a: 'room', b: 2, c: 'bk-1', d: 'i0', e: [step.args], f: '$literal', g: 'x $result', h: 3 });
    expect(resolveCompensationArgs({ r: '$result' }, { args: {}, result: 'plain text' })).toEqual({ r: 'plain text' });
    expect(() => resolveCompensationArgs({ r: '$result.id' }, { args: {}, result: 'plain text' })).toThrow(CompensationMappingError);
    expect(() => resolveCompensationArgs({ r: '$args.missing' }, step)).toThrow(/no field "missing"/);
  });

  it('resolves $key (the step call\'s idempotency key); a step without a result (outcome unknown) fails $result references, naming $key', () => {
    const unknown = { args: { resource: 'room' }, key: 'task/t/1/step/0' };
    expect(resolveCompensationArgs({ key: '$key', r: '$args.resource' }, unknown)).toEqual({ key: 'task/t/1/step/0', r: 'room' });
    expect(() => resolveCompensationArgs({ id: '$result.bookingId' }, unknown)).toThrow(/outcome is unknown.*\$key/);
    expect(() => resolveCompensationArgs({ r: '$result' }, unknown)).toThrow(CompensationMappingError);
    expect(() => resolveCompensationArgs({ k: '$key' }, { args: {} })).toThrow(CompensationMappingError);
  });

  it('builds and parses task workflow ids', () => {
    expect(taskWorkflowId('t1', 'abc')).toBe('task/t1/abc');
    expect(parseTaskWorkflowId('task/t1/abc')).toEqual({ tenant: 't1', id: 'abc' });
    expect(parseTaskWorkflowId('session/t1/abc')).toBeUndefined();
  });
});
