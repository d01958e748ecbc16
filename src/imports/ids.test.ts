import { describe, expect, it } from 'vitest';
import { derivedUuid, pgArray } from './ids';

describe('import ids and array literals', () => {
  it('writes Postgres array literals with quoted, escaped texts', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray([''])).toBe('{""}');
    expect(pgArray(['a', null, 1, true, 'x"y', 'back\\slash', '{"a"}', 'کابل'])).toBe('{"a",NULL,1,true,"x\\"y","back\\\\slash","{\\"a\\"}","کابل"}');
    expect(pgArray([pgArray(['a', 'b'])])).toBe('{"{\\"a\\",\\"b\\"}"}');
  });
  it('derives the same version-8 UUID from the same text', () => {
    const a = derivedUuid('flows.surveys|x|1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('flows.surveys|x|1')).toBe(a);
    expect(derivedUuid('flows.surveys|x|2')).not.toBe(a);
  });
});
