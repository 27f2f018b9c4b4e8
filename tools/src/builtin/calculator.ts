/**
 * `calculator`: arithmetic on numbers with + - * / % ^ (also `**`),
 * parentheses, decimals, scientific notation and unary minus/plus.
 *
 * A small recursive-descent parser rather than a library: the maintained
 * evaluators on npm are either large (mathjs, where `%` may also mean
 * percent and 1/0 is Infinity) or unmaintained (expr-eval), and the grammar
 * here is ~100 lines with exactly the semantics we want. No eval/Function.
 *
 * Grammar (lowest precedence first):
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/" | "%") unary)*
 *   unary   := ("-" | "+") unary | power
 *   power   := primary (("^" | "**") unary)?     right-associative
 *   primary := number | "(" expr ")"
 * So `-2^2` is -4 and `2^-1` is 0.5, `2^3^2` is 512; `%` is the remainder
 * with the sign of the dividend (as in JavaScript).
 */
import { z } from 'zod';
import { ToolError } from '../errors';
import { defineTool } from './define';

export const MAX_EXPRESSION_LENGTH = 1_000;
const MAX_DEPTH = 100;

export class CalculatorError extends ToolError {
  constructor(message: string) {
    super(message);
    this.name = 'CalculatorError';
  }
}

type Token = { kind: 'num'; value: number; pos: number } | { kind: 'op'; value: string; pos: number };

const NUMBER_RE = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(src);
    if (m) {
      tokens.push({ kind: 'num', value: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '*' && src[i + 1] === '*') {
      tokens.push({ kind: 'op', value: '^', pos: i });
      i += 2;
      continue;
    }
    if ('+-*/%^()'.includes(c)) {
      tokens.push({ kind: 'op', value: c, pos: i });
      i += 1;
      continue;
    }
    throw new CalculatorError(`Syntax error: unexpected character '${c}' at position ${i + 1}`);
  }
  return tokens;
}

class Parser {
  #i = 0;
  #depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    if (this.tokens.length === 0) throw new CalculatorError('Syntax error: empty expression');
    const v = this.#expr();
    const t = this.tokens[this.#i];
    if (t) throw new CalculatorError(`Syntax error: unexpected '${describe(t)}' at position ${t.pos + 1}`);
    return v;
  }

  #peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.#i];
    return t?.kind === 'op' && ops.includes(t.value) ? t.value : undefined;
  }

  #expr(): number {
    let v = this.#term();
    for (let op = this.#peekOp('+', '-'); op; op = this.#peekOp('+', '-')) {
      this.#i += 1;
      const r = this.#term();
      v = checked(op === '+' ? v + r : v - r);
    }
    return v;
  }

  #term(): number {
    let v = this.#unary();
    for (let op = this.#peekOp('*', '/', '%'); op; op = this.#peekOp('*', '/', '%')) {
      this.#i += 1;
      const r = this.#unary();
      if (op === '*') v = checked(v * r);
      else if (r === 0) throw new CalculatorError(op === '/' ? 'Division by zero' : 'Modulo by zero');
      else v = checked(op === '/' ? v / r : v % r);
    }
    return v;
  }

  #unary(): number {
    const op = this.#peekOp('-', '+');
    if (!op) return this.#power();
    this.#i += 1;
    const v = this.#nested(() => this.#unary());
    return op === '-' ? -v : v;
  }

  #power(): number {
    const base = this.#primary();
    if (!this.#peekOp('^')) return base;
    this.#i += 1;
    const exp = this.#nested(() => this.#unary());
    if (base === 0 && exp < 0) throw new CalculatorError('Division by zero');
    return checked(base ** exp);
  }

  #primary(): number {
    const t = this.tokens[this.#i];
    if (!t) throw new CalculatorError('Syntax error: unexpected end of expression');
    if (t.kind === 'num') {
      this.#i += 1;
      return t.value;
    }
    if (t.value === '(') {
      this.#i += 1;
      const v = this.#nested(() => this.#expr());
      const close = this.tokens[this.#i];
      if (!close || close.kind !== 'op' || close.value !== ')') {
        throw new CalculatorError(`Syntax error: missing ')' for '(' at position ${t.pos + 1}`);
      }
      this.#i += 1;
      return v;
    }
    throw new CalculatorError(`Syntax error: unexpected '${describe(t)}' at position ${t.pos + 1}`);
  }

  #nested<T>(fn: () => T): T {
    if (++this.#depth > MAX_DEPTH) throw new CalculatorError('Expression is nested too deeply');
    try {
      return fn();
    } finally {
      this.#depth -= 1;
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'num' ? String(t.value) : t.value;
}

function checked(v: number): number {
  if (Number.isNaN(v)) throw new CalculatorError('Result is not a real number');
  if (!Number.isFinite(v)) throw new CalculatorError('Result is too large');
  return v;
}

/** Evaluates an arithmetic expression; throws `CalculatorError` (a `ToolError`) on bad input. */
export function evaluateExpression(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(`Expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  return checked(new Parser(tokenize(expression)).parse());
}

/** A number as the model gets it: 15 significant digits (hides binary float noise like 0.1+0.2), no `-0`. */
export function formatNumber(v: number): string {
  const rounded = Number(v.toPrecision(15));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Evaluate an arithmetic expression exactly instead of doing the math yourself. Supports + - * / % (remainder) ^ (power), ' +
    'parentheses, decimals, scientific notation (1.5e3) and unary minus. Returns the numeric result.',
  requiresApproval: false,
  input: z.object({
    expression: z
      .string()
      .min(1)
      .max(MAX_EXPRESSION_LENGTH)
      .describe('The expression, e.g. "(2 + 3) * 4.5 ^ 2 - -1"'),
  }),
  async handler({ expression }) {
    return formatNumber(evaluateExpression(expression));
  },
});
