import * as crypto from 'node:crypto';

const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * sha256 of the canonical JSON of a value (object keys sorted, undefined as null): the same digest
 * as flows' hashOf, written as one pass without building intermediate objects (hot in imports).
 */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

const isIndex = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;

interface Shape {
  keys: string[];
  /** `{"key":` for the first key, `,"key":` for the others. */
  prefixes: string[];
}
const shapes = new Map<string, Shape>();

/** Key order of an object, cached per set of keys (records of one import share one shape). */
function shapeOf(v: Record<string, unknown>): Shape {
  const raw = Object.keys(v);
  const id = raw.length + ':' + raw.join('\u0001');
  let shape = shapes.get(id);
  if (!shape) {
    // As Object.fromEntries(sorted entries) orders them: array-index keys first, numerically.
    const sorted = [...raw].sort();
    const index = sorted.filter(isIndex).sort((a, b) => Number(a) - Number(b));
    const keys = index.length ? [...index, ...sorted.filter((k) => !isIndex(k))] : sorted;
    shape = { keys, prefixes: keys.map((k, i) => (i ? ',' : '{') + JSON.stringify(k) + ':') };
    if (shapes.size < 1000) shapes.set(id, shape);
  }
  return shape;
}

export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + canonicalJson(v[i]);
    return out + ']';
  }
  if (typeof v === 'object') {
    const shape = shapeOf(v as Record<string, unknown>);
    if (!shape.keys.length) return '{}';
    let out = '';
    for (let i = 0; i < shape.keys.length; i++) out += shape.prefixes[i] + canonicalJson((v as Record<string, unknown>)[shape.keys[i]]);
    return out + '}';
  }
  return JSON.stringify(v) ?? 'null';
}

/** The order canonicalJson writes an object with these keys in. */
export function canonicalKeyOrder(keys: readonly string[]): string[] {
  return [...shapeOf(Object.fromEntries(keys.map((k) => [k, null]))).keys];
}

/**
 * canonicalHash of objects that all carry the same keys, restricted to `keys` (others, e.g. the
 * hash field itself, are left out): the key order is worked out once.
 */
export function recordHasher(keys: readonly string[]): (record: Record<string, unknown>) => string {
  const probe = Object.fromEntries(keys.map((k) => [k, null]));
  const shape = shapeOf(probe);
  return (record) => {
    let out = '';
    for (let i = 0; i < shape.keys.length; i++) out += shape.prefixes[i] + canonicalJson(record[shape.keys[i]]);
    return sha256Hex(shape.keys.length ? out + '}' : '{}');
  };
}
