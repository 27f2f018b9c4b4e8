/**
 * JSON Schema (as OpenAI clients send it: tool `parameters`, `response_format.json_schema.schema`) →
 * node-llama-cpp's grammar schema (`GbnfJsonSchema`), plus a repair for grammar output cut off by the
 * token limit. Pure functions, no model needed.
 *
 * The conversion keeps what shapes the output (type, properties, required, items, enum, const, anyOf/oneOf,
 * $defs/$ref, string and array lengths) and drops pure validation keywords the grammar cannot express
 * (minimum, pattern, …). To keep every generation finite, strings get at most `maxStringLength` characters
 * and arrays at most `maxItems` items unless the schema sets a smaller bound.
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';

/** A schema feature the grammar cannot honour; becomes an OpenAI-style 400 naming `param`. */
export class UnsupportedSchemaError extends Error {
  override name = 'UnsupportedSchemaError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface ToGbnfOptions {
  /** Upper bound for string lengths (characters). Default 512. */
  maxStringLength?: number;
  /** Upper bound for array lengths. Default 32. */
  maxItems?: number;
}

type Json = Record<string, unknown>;

const BASIC_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const DATE_FORMATS = new Set(['date-time', 'time', 'date']);
/** Keywords that only validate (or annotate); dropping them still yields output of the right shape. */
const IGNORED = new Set([
  '$schema', '$id', '$comment', 'title', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'pattern', 'format',
  'uniqueItems', 'contentEncoding', 'contentMediaType', 'propertyNames', 'patternProperties', 'strict', 'nullable',
]);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Any JSON value (for `{}` / `true` schemas and open-ended `additionalProperties`). */
function anyValue(): GbnfJsonSchema {
  return {
    oneOf: [
      { type: ['string', 'number', 'boolean', 'null'] },
      { type: 'object', additionalProperties: true },
      { type: 'array' },
    ],
  } as GbnfJsonSchema;
}

export function toGbnfSchema(schema: unknown, opts: ToGbnfOptions = {}): GbnfJsonSchema {
  const maxString = opts.maxStringLength ?? 512;
  const maxItems = opts.maxItems ?? 32;
  const rootDefs = isObject(schema) ? ((schema['$defs'] ?? schema['definitions']) as unknown) : undefined;
  const defNames = new Set(isObject(rootDefs) ? Object.keys(rootDefs) : []);

  const convert = (s: unknown, path: string): GbnfJsonSchema => {
    if (s === true || (isObject(s) && Object.keys(s).every((k) => IGNORED.has(k) || k === 'description'))) {
      return isObject(s) && typeof s['description'] === 'string' ? ({ ...(anyValue() as Json), description: s['description'] } as GbnfJsonSchema) : anyValue();
    }
    if (!isObject(s)) throw new UnsupportedSchemaError(`schema at ${path} must be an object`, path);
    const out: Json = {};
    if (typeof s['description'] === 'string') out['description'] = s['description'];

    for (const key of ['not', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired', 'unevaluatedProperties', 'contains']) {
      if (key in s) throw new UnsupportedSchemaError(`'${key}' at ${path} is not supported by the local model's grammar`, `${path}.${key}`);
    }
    if ('$ref' in s) {
      const ref = s['$ref'];
      const m = typeof ref === 'string' ? /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref) : null;
      if (!m || !defNames.has(m[1]!)) throw new UnsupportedSchemaError(`'$ref' ${JSON.stringify(ref)} at ${path} must point into the root $defs`, `${path}.$ref`);
      return { ...out, $ref: `#/$defs/${m[1]!}` } as GbnfJsonSchema;
    }
    if ('const' in s) return { ...out, const: s['const'] } as GbnfJsonSchema;
    if ('enum' in s) {
      if (!Array.isArray(s['enum']) || s['enum'].length === 0) throw new UnsupportedSchemaError(`'enum' at ${path} must be a non-empty array`, `${path}.enum`);
      const values = s['enum'].filter((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
      if (values.length !== s['enum'].length) throw new UnsupportedSchemaError(`'enum' at ${path} may only hold strings, numbers, booleans and null`, `${path}.enum`);
      return { ...out, enum: values } as GbnfJsonSchema;
    }
    const alternatives = (s['anyOf'] ?? s['oneOf']) as unknown;
    if (alternatives !== undefined) {
      const key = 'anyOf' in s ? 'anyOf' : 'oneOf';
      if (!Array.isArray(alternatives) || alternatives.length === 0) throw new UnsupportedSchemaError(`'${key}' at ${path} must be a non-empty array`, `${path}.${key}`);
      return { ...out, oneOf: alternatives.map((a, i) => convert(a, `${path}.${key}[${i}]`)) } as GbnfJsonSchema;
    }
    if ('allOf' in s) {
      const all = s['allOf'];
      if (!Array.isArray(all) || all.length !== 1) throw new UnsupportedSchemaError(`'allOf' at ${path} is supported with exactly one schema`, `${path}.allOf`);
      const { allOf: _allOf, ...rest } = s;
      return convert({ ...rest, ...(all[0] as Json) }, path);
    }

    let type = s['type'];
    if (type === undefined) {
      if ('properties' in s || 'additionalProperties' in s || 'required' in s) type = 'object';
      else if ('items' in s || 'prefixItems' in s) type = 'array';
      else return { ...(anyValue() as Json), ...out } as GbnfJsonSchema;
    }
    if (Array.isArray(type)) {
      if (type.length === 0) throw new UnsupportedSchemaError(`'type' at ${path} must not be empty`, `${path}.type`);
      if (type.every((t) => typeof t === 'string' && BASIC_TYPES.has(t)) && !(type.includes('string') && hasStringBounds(s))) {
        return { ...out, type } as GbnfJsonSchema;
      }
      const { description: _description, ...rest } = s;
      return { ...out, oneOf: type.map((t, i) => convert({ ...rest, type: t }, `${path}.type[${i}]`)) } as GbnfJsonSchema;
    }
    switch (type) {
      case 'string': {
        if (typeof s['format'] === 'string' && DATE_FORMATS.has(s['format'])) return { ...out, type: 'string', format: s['format'] } as GbnfJsonSchema;
        const max = Math.min(maxString, typeof s['maxLength'] === 'number' ? s['maxLength'] : Infinity);
        const min = typeof s['minLength'] === 'number' ? Math.min(s['minLength'], max) : undefined;
        return { ...out, type: 'string', maxLength: max, ...(min ? { minLength: min } : {}) } as GbnfJsonSchema;
      }
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return { ...out, type } as GbnfJsonSchema;
      case 'array': {
        const res: Json = { ...out, type: 'array' };
        if (s['items'] !== undefined && s['items'] !== false) res['items'] = convert(s['items'], `${path}.items`);
        if (Array.isArray(s['prefixItems'])) res['prefixItems'] = s['prefixItems'].map((p, i) => convert(p, `${path}.prefixItems[${i}]`));
        const max = Math.min(maxItems, typeof s['maxItems'] === 'number' ? s['maxItems'] : Infinity);
        const min = typeof s['minItems'] === 'number' ? Math.min(s['minItems'], max) : undefined;
        res['maxItems'] = Math.max(max, Array.isArray(res['prefixItems']) ? (res['prefixItems'] as unknown[]).length : 0);
        if (min) res['minItems'] = min;
        return res as GbnfJsonSchema;
      }
      case 'object': {
        const res: Json = { ...out, type: 'object' };
        const props = s['properties'];
        if (props !== undefined) {
          if (!isObject(props)) throw new UnsupportedSchemaError(`'properties' at ${path} must be an object`, `${path}.properties`);
          res['properties'] = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, `${path}.properties.${k}`)]));
        }
        const names = Object.keys((res['properties'] as Json | undefined) ?? {});
        if (Array.isArray(s['required'])) {
          const missing = s['required'].filter((r) => typeof r !== 'string' || !names.includes(r));
          if (missing.length > 0) throw new UnsupportedSchemaError(`'required' at ${path} names properties that are not defined: ${missing.join(', ')}`, `${path}.required`);
          res['required'] = s['required'];
        }
        const extra = s['additionalProperties'];
        if (extra === true || (extra === undefined && names.length === 0)) res['additionalProperties'] = true;
        else if (isObject(extra)) res['additionalProperties'] = convert(extra, `${path}.additionalProperties`);
        if (typeof s['minProperties'] === 'number') res['minProperties'] = s['minProperties'];
        if (typeof s['maxProperties'] === 'number') res['maxProperties'] = s['maxProperties'];
        return res as GbnfJsonSchema;
      }
      default:
        throw new UnsupportedSchemaError(`'type' ${JSON.stringify(type)} at ${path} is not a JSON Schema type`, `${path}.type`);
    }
  };

  const root = convert(schema, '$') as Json;
  if (isObject(rootDefs) && defNames.size > 0) {
    root['$defs'] = Object.fromEntries(Object.entries(rootDefs).map(([k, v]) => [k, convert(v, `$.$defs.${k}`)]));
  }
  return root as GbnfJsonSchema;
}

function hasStringBounds(s: Json): boolean {
  return 'maxLength' in s || 'minLength' in s || 'format' in s;
}

/**
 * Completes a JSON prefix produced under a JSON grammar (so it is valid up to where it stops) into a
 * parseable document: closes an open string, finishes a partial literal or number, gives a dangling key
 * a `null` value, drops a trailing comma, and closes open arrays and objects. Returns the input unchanged
 * when it already parses.
 */
export function closeJsonPrefix(prefix: string): string {
  try {
    JSON.parse(prefix);
    return prefix;
  } catch {
    // complete it below
  }
  const stack: Array<'{' | '['> = [];
  /** Per open object: whether we are after a key (expecting ':' or a value). */
  const expectValue: boolean[] = [];
  let inString = false;
  let escape = false;
  let stringIsKey = false;
  let out = '';
  let unicodeLeft = -1;
  for (const ch of prefix) {
    out += ch;
    if (inString) {
      if (unicodeLeft > 0) {
        unicodeLeft -= 1;
        continue;
      }
      if (escape) {
        escape = false;
        if (ch === 'u') unicodeLeft = 4;
        continue;
      }
      if (ch === '\\') escape = true;
      else if (ch === '"') {
        inString = false;
        if (stringIsKey) expectValue[expectValue.length - 1] = true;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      unicodeLeft = -1;
      stringIsKey = stack.at(-1) === '{' && !expectValue.at(-1);
    } else if (ch === '{' || ch === '[') {
      stack.push(ch);
      expectValue.push(false);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      expectValue.pop();
      if (stack.at(-1) === '{') expectValue[expectValue.length - 1] = false;
    } else if (ch === ',') {
      if (stack.at(-1) === '{') expectValue[expectValue.length - 1] = false;
    }
  }
  if (inString) {
    if (unicodeLeft >= 0) out = out.slice(0, out.lastIndexOf('\\u'));
    else if (escape) out = out.slice(0, -1);
    out += '"';
    if (stringIsKey) expectValue[expectValue.length - 1] = true;
  }
  out = out.trimEnd();
  // a partial literal or number at the end
  const tail = /(-?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d*)?)?|t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?)$/.exec(out)?.[0] ?? '';
  if (tail && !/^(true|false|null)$/.test(tail) && !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(tail)) {
    out = out.slice(0, -tail.length);
    out += tail.startsWith('t') ? 'true' : tail.startsWith('f') ? 'false' : tail.startsWith('n') ? 'null' : fixNumber(tail);
  }
  out = out.trimEnd();
  if (out.endsWith(',')) out = out.slice(0, -1).trimEnd();
  if (stack.at(-1) === '{' && expectValue.at(-1) && !out.endsWith(':') && /"$/.test(out) && isDanglingKey(out)) out += ':';
  if (out.endsWith(':')) out += 'null';
  for (const open of [...stack].reverse()) out += open === '{' ? '}' : ']';
  if (out === '') out = '{}';
  try {
    JSON.parse(out);
    return out;
  } catch {
    return stack[0] === '[' ? '[]' : '{}';
  }
}

function fixNumber(s: string): string {
  const m = /^-?\d+(\.\d+)?/.exec(s);
  return m ? m[0] : '0';
}

/** Whether the string literal at the end of `s` is an object key with no ':' yet. */
function isDanglingKey(s: string): boolean {
  // walk back over the final string literal
  let i = s.length - 2;
  while (i >= 0) {
    if (s[i] === '"') {
      let backslashes = 0;
      for (let j = i - 1; j >= 0 && s[j] === '\\'; j--) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    i--;
  }
  const before = s.slice(0, Math.max(0, i)).trimEnd();
  return before.endsWith('{') || before.endsWith(',');
}
