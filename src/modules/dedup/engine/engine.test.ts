import { describe, expect, it } from 'vitest';
import { buildIndex, dedupe, link, type PersonRecord } from './index';
import { generateRegistry } from './synthetic';

const people: PersonRecord[] = [
  { id: '1', givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Ghulam Haidar', sex: 'M', birthDateSh: '1365/04/12', documentNumber: '1400-0101-23456', locationPcode: 'AF0101' },
  { id: '2', givenName: 'محمد کریم', familyName: 'احمدزی', fatherName: 'غلام حیدر', sex: 'مرد', birthDate: '1986-07-03', locationPcode: 'AF0101' },
  { id: '3', givenName: 'Abdul Wahid', familyName: 'Ahmadzai', fatherName: 'Ghulam Haidar', sex: 'M', birthYear: 1990, locationPcode: 'AF0101' },
  { id: '4', givenName: 'Fatima', fatherName: 'Rasool', sex: 'F', age: 40, locationPcode: 'AF0201', phone: '0700111222' },
  { id: '5', givenName: 'Fatemeh', fatherName: 'Rasul', sex: 'F', birthYear: 1985, locationPcode: 'AF0201', phone: '+93 700 111 222' },
  { id: '6', givenName: 'Zarghuna', familyName: 'Popalzai', fatherName: 'Nabi', sex: 'F', birthYear: 2001, locationPcode: 'AF0301' },
];

describe('dedupe', () => {
  it('finds Latin/Arabic-script and variant duplicates, keeps siblings apart', () => {
    const res = dedupe(people, { referenceYear: 2026, matchThreshold: 18, reviewThreshold: 12 });
    const same = (a: string, b: string) => res.clusters.some((c) => c.includes(a) && c.includes(b));
    expect(same('1', '2')).toBe(true);
    expect(same('4', '5')).toBe(true);
    expect(same('1', '3')).toBe(false);
    expect(res.pairs.every((p) => p.decision === 'match' || p.decision === 'review')).toBe(true);
    expect(res.stats.candidatePairs).toBeGreaterThan(0);
  });

  it('reaches high precision and recall on a small synthetic registry', () => {
    const reg = generateRegistry({ individuals: 1000, seed: 3 });
    const res = dedupe(reg.records, { referenceYear: reg.referenceYear });
    let tp = 0;
    let fp = 0;
    const byLabel = new Map<number, number[]>();
    res.labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
    for (const g of byLabel.values())
      for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) reg.entity[g[x]] === reg.entity[g[y]] ? tp++ : fp++;
    expect(tp).toBeGreaterThan(0);
    expect(fp / (tp + fp)).toBeLessThan(0.01);
  });
});

describe('link', () => {
  it('links one to one across two files', () => {
    const left = people.slice(0, 1);
    const right = [people[1], people[2]].map((r) => ({ ...r, id: `r${r.id}` }));
    const res = link(left, right, { referenceYear: 2026, matchThreshold: 18, reviewThreshold: 12 });
    const matches = res.pairs.filter((p) => p.decision === 'match');
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ a: '1', b: 'r2' });
  });
});

describe('single-record lookup', () => {
  it('finds a transliterated variant at registration time', () => {
    const index = buildIndex(people, { referenceYear: 2026, matchThreshold: 18, reviewThreshold: 12 });
    const hits = index.lookup({ id: 'new', givenName: 'Muhammad Kareem', familyName: 'Ahmadzay', fatherName: 'Gholam Haidar', sex: 'M', age: 40 });
    expect(hits[0]?.id).toMatch(/^[12]$/);
    expect(hits[0].parts.names).toBeGreaterThan(0);
    // The lookup does not grow the index's tables.
    expect(index.lookup({ id: 'x', givenName: 'Qwertyuiop' })).toEqual([]);
  });
});
