import { describe, expect, it } from 'vitest';
import { CalculatorError, ToolError, createBuiltinProvider, evaluateExpression, formatNumber } from '../src';

describe('evaluateExpression', () => {
  it.each([
    ['1 + 2', 3],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['2 ^ 10', 1024],
    ['2 ** 3', 8],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['-3', -3],
    ['--3', 3],
    ['+4 - -2', 6],
    ['3 * -2', -6],
    ['1.5 * 2', 3],
    ['.5 + 1.', 1.5],
    ['1e3 + 2.5E-1', 1000.25],
    ['2 * (3 + (4 - 1)) / 3', 4],
    ['  ( ( 1 ) ) ', 1],
    ['1 + 2 * 3 ^ 2 % 5', 4],
  ])('%s = %d', (expr, want) => {
    expect(evaluateExpression(expr)).toBeCloseTo(want, 12);
  });

  it.each([
    ['1 / 0', 'Division by zero'],
    ['5 / (2 - 2)', 'Division by zero'],
    ['5 % 0', 'Modulo by zero'],
    ['0 ^ -1', 'Division by zero'],
    ['', 'Syntax error: empty expression'],
    ['1 +', 'Syntax error: unexpected end of expression'],
    ['(1 + 2', "Syntax error: missing ')'"],
    ['1 + 2)', "Syntax error: unexpected ')' at position 6"],
    ['2 3', "Syntax error: unexpected '3' at position 3"],
    ['* 2', "Syntax error: unexpected '*' at position 1"],
    ['2 + x', "Syntax error: unexpected character 'x' at position 5"],
    ['process.exit(1)', "Syntax error: unexpected character 'p'"],
    ['10 ^ 400', 'Result is too large'],
    ['(-8) ^ 0.5', 'Result is not a real number'],
    ['('.repeat(200) + '1' + ')'.repeat(200), 'nested too deeply'],
    ['-'.repeat(150) + '1', 'nested too deeply'],
  ])('%.30s fails with %s', (expr, msg) => {
    let err: unknown;
    try {
      evaluateExpression(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalculatorError);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as Error).message).toContain(msg);
  });

  it('formats results without float noise', () => {
    expect(formatNumber(evaluateExpression('0.1 + 0.2'))).toBe('0.3');
    expect(formatNumber(evaluateExpression('-0'))).toBe('0');
    expect(formatNumber(evaluateExpression('1 / 3'))).toBe('0.333333333333333');
  });
});

describe('calculator tool', () => {
  const provider = createBuiltinProvider();
  const ctx = { idempotencyKey: 'k', signal: new AbortController().signal, heartbeat: () => {} };

  it('returns the result', async () => {
    expect(await provider.call('calculator', { expression: '(1 + 2) * 3' }, ctx)).toEqual({ ok: true, content: '9' });
  });

  it('throws a ToolError on division by zero', async () => {
    await expect(provider.call('calculator', { expression: '1/0' }, ctx)).rejects.toThrow(/Division by zero/);
  });
});
