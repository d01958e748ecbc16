import { describe, expect, it } from 'vitest';
import { CLK_BITS, ClkEncoder, dice, encodePeople, filterFromBase64, filterToBase64, matchEncodings, popcount32, type Encodings } from './index';
import type { PersonRecord } from '../engine/prepare';

const secret = 'a secret shared by two agencies';
const opts = { secret, referenceYear: 2026, flip: 0 };

const one = (r: Omit<PersonRecord, 'id'>, o: Partial<typeof opts> = {}): Encodings => encodePeople([{ id: 'x', ...r }], { ...opts, ...o });
const d = (a: Encodings, b: Encodings) => dice(a.bits, 0, b.bits, 0);

const mohammadKarim = { givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Abdul Rahim', sex: 'M', birthDate: '1985-03-21', locationPcode: 'AF0101' };

describe('CLK encoding', () => {
  it('gives the same person in other spellings and in Arabic script a high Dice', () => {
    const a = one(mohammadKarim);
    const spelled = one({ givenName: 'Muhammad Kareem', familyName: 'Ahmadzai', fatherName: 'Abdulraheem', sex: 'male', birthDate: '1985-03-21', locationPcode: 'AF0101' });
    const arabic = one({ givenName: 'محمد کریم', familyName: 'احمدزی', fatherName: 'عبدالرحیم', sex: 'مرد', birthDateSh: '1364/01/01', locationPcode: 'AF0101' });
    const swapped = one({ ...mohammadKarim, givenName: 'Ahmadzai', familyName: 'Mohammad Karim' });
    const byAge = one({ ...mohammadKarim, birthDate: undefined, age: 41 });
    expect(d(a, spelled)).toBeGreaterThan(0.9);
    expect(d(a, arabic)).toBeGreaterThan(0.9);
    expect(d(a, swapped)).toBe(1);
    expect(d(a, byAge)).toBeGreaterThan(0.86);
  });

  it('gives unrelated people a low Dice', () => {
    const a = one(mohammadKarim);
    const b = one({ givenName: 'Zarmina', familyName: 'Wardak', fatherName: 'Ghulam Haidar', sex: 'F', birthDate: '2001-11-02', locationPcode: 'AF2405' });
    const sibling = one({ ...mohammadKarim, givenName: 'Shakila', sex: 'F', birthDate: '1992-07-14' });
    expect(d(a, b)).toBeLessThan(0.45);
    expect(d(a, sibling)).toBeLessThan(0.78);
  });

  it('sets unrelated bits under another secret, so nothing links', () => {
    const a = one(mohammadKarim);
    const b = one(mohammadKarim, { secret: 'another secret, not the shared one' });
    expect(d(a, one(mohammadKarim))).toBe(1);
    expect(d(a, b)).toBeLessThan(0.45);
    const res = matchEncodings(a, b);
    expect(res.links).toEqual([]);
  });

  it('rejects a short secret, and with flips two encodings of one record differ a little', () => {
    expect(() => encodePeople([{ id: 'x' }], { secret: 'short' })).toThrow(/16 bytes/);
    const a = encodePeople([{ id: 'x', ...mohammadKarim }], { secret, flip: 0.01, flipSeed: 1 });
    const b = encodePeople([{ id: 'x', ...mohammadKarim }], { secret, flip: 0.01, flipSeed: 2 });
    const dd = dice(a.bits, 0, b.bits, 0);
    expect(dd).toBeLessThan(1);
    expect(dd).toBeGreaterThan(0.9);
  });

  it('uses independent positions per field and round-trips filters through base64', () => {
    const enc = new ClkEncoder(opts);
    expect(Array.from(enc.positions('name', 'mo'))).not.toEqual(Array.from(enc.positions('father', 'mo')));
    for (const p of enc.positions('name', 'mo')) expect(p).toBeLessThan(CLK_BITS);
    const a = one(mohammadKarim);
    const s = filterToBase64(a.bits, 0);
    expect(s).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(s).not.toMatch(/karim|ahmad/i);
    const back = new Uint32Array(32);
    filterFromBase64(s, back, 0);
    expect(Array.from(back)).toEqual(Array.from(a.bits));
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0b1011)).toBe(3);
  });
});

describe('matching encodings', () => {
  it('links the same people across two files one-to-one and leaves others out', () => {
    const ours: PersonRecord[] = [
      { id: 'o1', ...mohammadKarim },
      { id: 'o2', givenName: 'Fatima', fatherName: 'Ghulam Haidar', sex: 'F', birthYear: 1990, locationPcode: 'AF0302' },
      { id: 'o3', givenName: 'Zabiullah', familyName: 'Wardak', fatherName: 'Nasrullah', sex: 'M', birthDate: '2003-05-09', locationPcode: 'AF1101' },
    ];
    const theirs: PersonRecord[] = [
      { id: 't1', givenName: 'Zabihullah', familyName: 'Wardak', fatherName: 'Nasrullah', sex: 'M', birthDate: '2003-05-09', locationPcode: 'AF1101' },
      { id: 't2', givenName: 'Muhammad Kareem', familyName: 'Ahmadzai', fatherName: 'Abdul Rahim', sex: 'M', age: 41, locationPcode: 'AF0101' },
      { id: 't3', givenName: 'Laila', familyName: 'Sultani', fatherName: 'Rasool', sex: 'F', birthYear: 1978, locationPcode: 'AF2001' },
    ];
    const res = matchEncodings(encodePeople(ours, opts), encodePeople(theirs, opts));
    const matches = res.links.filter((l) => l.decision === 'match').map((l) => `${l.a}-${l.b}`).sort();
    expect(matches).toEqual(['o1-t2', 'o3-t1']);
    expect(res.links.some((l) => l.a === 'o2' || l.b === 't3')).toBe(false);
  });
});
