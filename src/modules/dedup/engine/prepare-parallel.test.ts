import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords, lastPrepare, mergeParts, preparePart, preparePossiblyParallel } from './prepare-parallel';
import { buildBlockIndex } from './block';
import { newTables, prepare, type PersonRecord, type Prepared, type Tables } from './prepare';
import { generateRegistry } from './synthetic';

// Hand-written records on top of the synthetic registry: Arabic script, Solar Hijri dates, full
// names only, numbers and strings for year and age, null / empty / missing fields.
const extra: PersonRecord[] = [
  { id: 'x1', nameAr: 'محمد کریم احمدزی', fatherName: 'غلام', sex: 'مرد', birthDateSh: '۱۳۶۵/۰۴/۱۲', phone: '+93 700 123 456' },
  { id: 'x2', fullName: 'Mohammad Karim Ahmadzai', fatherName: 'Gholam', sex: 'male', birthDateSh: '1365-04-12', phone: '0700123456' },
  { id: 'x3', givenName: 'فاطمه', familyName: 'حیدری', sex: 'زن', birthYear: 1990, age: null, documentNumber: 'ab-123 456', address: 'ناحیه ۵، کابل' },
  { id: 'x4', givenName: 'Fatima', familyName: 'Haidari', sex: 'F', birthYear: '1990', locationPcode: ' af0101 ', address: 'District 5, Kabul' },
  { id: 'x5', givenName: 'Karim', sex: 'M', age: 21, birthDate: '', householdId: 'H-1' },
  { id: 'x6', givenName: '', familyName: null, fullName: 'Karim', age: '21', birthDate: '1403/01/05', householdId: 'H-2' },
  { id: 'x7', givenName: 'Abdul Rahman', familyName: 'Ismailzai', birthDate: '1985-03-02', birthYear: 1985, age: 39, birthDateSh: '1363/12/11' },
  { id: 'x8' },
];

function records(): PersonRecord[] {
  const reg = generateRegistry({ individuals: 3000, seed: 11 });
  const rs = reg.records.slice();
  // Spread the hand-written records over both halves.
  rs.splice(10, 0, ...extra.slice(0, 4));
  rs.push(...extra.slice(4), ...extra.map((r) => ({ ...r, id: r.id + 'b' })));
  return rs;
}

function expectSame(T1: Tables, P1: Prepared, T2: Tables, P2: Prepared): void {
  const i1 = buildBlockIndex(T1, P1);
  const i2 = buildBlockIndex(T2, P2);
  expect(P2.partHashes?.hash.length).toBeGreaterThan(0);
  expect(i2.hash).toEqual(i1.hash);
  expect(i2.idx).toEqual(i1.idx);
  for (const k of ['ids', 'given', 'family', 'father', 'sex', 'by', 'bm', 'bd', 'byLo', 'byHi', 'bprec', 'doc', 'phone', 'loc', 'addrOff', 'addrTok', 'rec', 'hh'] as const)
    expect(P2[k], k).toEqual(P1[k]);
  expect(P2.withHousehold).toBe(P1.withHousehold);
  expect(T2.names.skel).toEqual(T1.names.skel);
  expect(T2.names.tokens).toEqual(T1.names.tokens);
  expect(T2.names.rough).toEqual(T1.names.rough);
  for (const t of ['names', 'docs', 'phones', 'locs', 'addr'] as const) {
    const a = T1[t];
    const b = T2[t];
    expect(b.values, t).toEqual(a.values);
    expect([...b.ids.entries()], t).toEqual([...a.ids.entries()]);
    expect(b.totals, t).toEqual(a.totals);
    for (let f = 0; f < a.counts.length; f++) {
      const ca = a.values.map((_, id) => a.count(f, id));
      expect(b.values.map((_, id) => b.count(f, id)), `${t} counts ${f}`).toEqual(ca);
    }
  }
}

describe('normalisation in two parts', () => {
  const rs = records();
  const birth = { referenceYear: 2024 };

  it('keeps every field through the column form', () => {
    const e = encodeRecords(rs, 0, rs.length);
    expect(e).not.toBeNull();
    const back = decodeRecords(structuredClone(e!));
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      const d = back[i];
      for (const k of ['givenName', 'familyName', 'fatherName', 'fullName', 'nameAr', 'sex', 'birthDate', 'birthDateSh', 'documentNumber', 'phone', 'locationPcode', 'address', 'householdId'] as const)
        if (d[k] !== (r[k] ?? '')) expect(d[k], `${r.id} ${k}`).toBe(r[k] ?? '');
      if (d.birthYear !== r.birthYear || d.age !== r.age) expect([d.birthYear, d.age], r.id).toEqual([r.birthYear, r.age]);
    }
    expect(encodeRecords([{ id: 'y', givenName: 5 as unknown as string }], 0, 1)).toBeNull();
  });

  it('merges a part prepared in its own tables into the same ids and counts as one prepare', () => {
    const T1 = newTables(undefined, birth);
    const P1 = prepare(rs, T1);
    for (const cut of [1, 1234, rs.length - 3]) {
      const T2 = newTables(undefined, birth);
      const A = prepare(rs.slice(0, cut), T2, true, true);
      const B = preparePart(decodeRecords(encodeRecords(rs, cut, rs.length)!), T2.dict, birth);
      expectSame(T1, P1, T2, mergeParts(T2, rs, A, B, true));
    }
  }, 30_000);

  it('gives the same result with a worker as on one thread', () => {
    const T1 = newTables(undefined, birth);
    const P1 = prepare(rs, T1);
    const T2 = newTables(undefined, birth);
    const P2 = preparePossiblyParallel(rs, T2, 1, true, 100);
    expect(lastPrepare.worker).toBe(true);
    expectSame(T1, P1, T2, P2);
  }, 30_000);
});
