import { createHash } from 'node:crypto';

/**
 * sha256 of the canonical JSON of a value (object keys sorted, undefined as null): the same digest
 * as flows' hashOf, written as one pass without building intermediate objects (hot in imports).
 */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

const isIndex = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;

export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + canonicalJson(v[i]);
    return out + ']';
  }
  if (typeof v === 'object') {
    // As Object.fromEntries(sorted entries) orders them: array-index keys first, numerically.
    const sorted = Object.keys(v).sort();
    const index = sorted.filter(isIndex).sort((a, b) => Number(a) - Number(b));
    const keys = index.length ? [...index, ...sorted.filter((k) => !isIndex(k))] : sorted;
    let out = '{';
    for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + canonicalJson((v as Record<string, unknown>)[keys[i]]);
    return out + '}';
  }
  return JSON.stringify(v) ?? 'null';
}
