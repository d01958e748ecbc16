import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashOf } from '../modules/flows/service';
import { canonicalHash, recordHasher } from './canonical';

describe('canonicalHash', () => {
  it('gives the digest flows stores for a record (so imported and hand-entered records compare equal)', () => {
    const record = fc.record({
      id: fc.uuid(),
      n: fc.integer(),
      s: fc.string(),
      b: fc.boolean(),
      none: fc.constant(null),
      list: fc.array(fc.string(), { maxLength: 5 }),
      nested: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string(), fc.constant(null))),
    });
    fc.assert(fc.property(record, (r) => canonicalHash(r) === hashOf(r)), { numRuns: 500 });
    expect(canonicalHash({ b: 1, a: undefined })).toBe(hashOf({ b: 1, a: undefined }));
  });

  it('recordHasher hashes the named keys of a record as hashOf hashes just those', () => {
    const hash = recordHasher(['b', 'a', 'list']);
    const r = { a: 1, b: 'x', list: ['p', 'q'], bodyHash: 'ignored' };
    expect(hash(r)).toBe(hashOf({ a: 1, b: 'x', list: ['p', 'q'] }));
  });
});
