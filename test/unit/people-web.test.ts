import { describe, expect, it } from 'vitest';
import { parseDob } from '../../web/src/modules/people/dob';
import { commandFor } from '../../web/src/modules/people/keyboard';
import { derivedId, householdCreateOf, lookupDraftOf, problemsOf } from '../../web/src/modules/people/mapping';
import { draftReducer, emptyHousehold, emptyMember } from '../../web/src/modules/people/draft';
import { normaliseArabicName, normaliseDocumentNumber, normalisePhone, queryKind, toLatinDigits } from '../../web/src/modules/people/script';

const REF = new Date('2025-03-02T00:00:00Z');
const key = (k: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('registration form: Arabic script and digits', () => {
  it('folds the Arabic keyboard’s yeh and kaf to the Dari letters and drops tatweel and diacritics', () => {
    expect(normaliseArabicName('علي')).toBe('علی');
    expect(normaliseArabicName('كريم')).toBe('کریم');
    expect(normaliseArabicName('محـــمد')).toBe('محمد');
    expect(normaliseArabicName('مُحَمَّد')).toBe('محمد');
    expect(normaliseArabicName('عبدالله\u200Cجان')).toBe('عبدالله\u200Cجان');
  });
  it('reads Dari and Arabic-Indic digits', () => {
    expect(toLatinDigits('۱۳۶۵/۰۴/۱۲')).toBe('1365/04/12');
    expect(toLatinDigits('٠٧٠')).toBe('070');
    expect(normalisePhone('+۹۳ ۷۰۰-۱۱۱ ۲۲۲')).toBe('+93700111222');
    expect(normalisePhone('0093 700 111 222')).toBe('+93700111222');
    expect(normaliseDocumentNumber(' por-99 88 ')).toBe('POR-9988');
  });
  it('tells what a search box query is', () => {
    expect(queryKind('+93 700 111 222')).toBe('phone');
    expect(queryKind('POR-99887766')).toBe('document');
    expect(queryKind('محمد')).toBe('arabic');
    expect(queryKind('Mohd Karim')).toBe('name');
  });
});

describe('registration form: date of birth', () => {
  it('reads an exact date year first or day first', () => {
    expect(parseDob({ mode: 'exact', text: '1986-04-12' }, REF)).toEqual({ kind: 'ok', value: { precision: 'day', date: '1986-04-12', year: 1986, age: 38 } });
    expect(parseDob({ mode: 'exact', text: '12/04/1986' }, REF)).toMatchObject({ kind: 'ok', value: { date: '1986-04-12' } });
    expect(parseDob({ mode: 'exact', text: '1986-02-30' }, REF)).toEqual({ kind: 'error', error: 'format' });
    expect(parseDob({ mode: 'exact', text: '2026-01-01' }, REF)).toEqual({ kind: 'error', error: 'future' });
  });
  it('reads a year, an estimated age and a Solar Hijri date', () => {
    expect(parseDob({ mode: 'year', text: '1984' }, REF)).toMatchObject({ kind: 'ok', value: { precision: 'year', year: 1984, age: 41 } });
    expect(parseDob({ mode: 'age', text: '۳۵' }, REF)).toMatchObject({ kind: 'ok', value: { precision: 'age', year: 1990, age: 35 } });
    expect(parseDob({ mode: 'solarHijri', text: '۱۳۶۵/۰۱/۰۱' }, REF)).toMatchObject({ kind: 'ok', value: { precision: 'solar_hijri', date: '1986-03-21', solarHijri: '1365/01/01' } });
    expect(parseDob({ mode: 'solarHijri', text: '1365' }, REF)).toMatchObject({ kind: 'ok', value: { precision: 'year', year: 1986, solarHijri: '1365' } });
  });
  it('says when a date was typed in the other calendar', () => {
    expect(parseDob({ mode: 'year', text: '1365' }, REF)).toEqual({ kind: 'error', error: 'looksSolarHijri' });
    expect(parseDob({ mode: 'exact', text: '1365-04-12' }, REF)).toEqual({ kind: 'error', error: 'looksSolarHijri' });
    expect(parseDob({ mode: 'solarHijri', text: '1986/04/12' }, REF)).toEqual({ kind: 'error', error: 'looksGregorian' });
    expect(parseDob({ mode: 'age', text: '' }, REF)).toEqual({ kind: 'empty' });
  });
});

describe('registration form: keys and draft', () => {
  it('maps the grid’s keys to commands and leaves the rest to the browser', () => {
    expect(commandFor(key('Enter'))).toEqual({ kind: 'next' });
    expect(commandFor(key('Enter', { shiftKey: true }))).toEqual({ kind: 'previous' });
    expect(commandFor(key('Enter', { ctrlKey: true }))).toEqual({ kind: 'addRow' });
    expect(commandFor(key('Enter', { altKey: true }))).toEqual({ kind: 'toggleDetails' });
    expect(commandFor(key('ArrowDown', { altKey: true }))).toEqual({ kind: 'rowBelow' });
    expect(commandFor(key('ArrowUp', { altKey: true, shiftKey: true }))).toEqual({ kind: 'moveUp' });
    expect(commandFor(key('Delete', { ctrlKey: true }))).toEqual({ kind: 'removeRow' });
    expect(commandFor(key('s', { ctrlKey: true }))).toEqual({ kind: 'save' });
    expect(commandFor(key('Delete'))).toBeNull();
    expect(commandFor(key('a'))).toBeNull();
  });

  it('adds, moves and removes member rows; a woman heading the household marks it female-headed', () => {
    let d = emptyHousehold();
    d = draftReducer(d, { type: 'member', index: 0, patch: { givenName: 'Zarghona', sex: 'female' } });
    expect(d.femaleHeaded).toBe(true);
    d = draftReducer(d, { type: 'add', after: 0, relationship: 'son' });
    d = draftReducer(d, { type: 'member', index: 1, patch: { givenNameAr: 'احمد', sex: 'male' } });
    d = draftReducer(d, { type: 'move', index: 1, by: -1 });
    expect(d.members.map((m) => m.relationship)).toEqual(['son', 'head']);
    d = draftReducer(d, { type: 'remove', index: 0 });
    expect(d.members).toHaveLength(1);
  });

  it('refuses to save without consent and builds the same body on every retry', () => {
    let d = emptyHousehold({ populationGroup: 'returnee_spontaneous' });
    d = draftReducer(d, { type: 'member', index: 0, patch: { givenName: 'Gul', familyName: 'Khan', sex: 'male', dob: { mode: 'age', text: '40' } } });
    expect(problemsOf(d)).toEqual([{ where: 'household', field: 'consent' }]);
    d = draftReducer(d, { type: 'household', patch: { consentGiven: true } });
    expect(problemsOf(d)).toEqual([]);
    const a = householdCreateOf(d, 'AFG', null);
    const b = householdCreateOf(d, 'AFG', null);
    expect(a).toEqual(b);
    expect(a.id).toBe(d.id);
    expect(a.consents.map((c) => c.id)).toEqual([derivedId(d.id, 1), derivedId(d.id, 4)]);
    expect(a.members[0]).toMatchObject({ relationship: 'head', givenName: 'Gul', birth: { precision: 'estimated_age', value: '40' } });
  });

  it('looks up a member only once something identifying is typed', () => {
    const h = emptyHousehold();
    expect(lookupDraftOf(emptyMember('head'), h)).toBeNull();
    expect(lookupDraftOf({ ...emptyMember('head'), givenName: 'Mo' }, h)).toBeNull();
    expect(lookupDraftOf({ ...emptyMember('head'), givenName: 'Mohammad' }, h)).toMatchObject({ givenName: 'Mohammad', fatherName: null });
  });
});

describe('registration form: the date of birth mode follows what was typed', () => {
  it('reads an age, a year, a Solar Hijri date and a day-first date whatever mode was chosen', async () => {
    const { inferMode } = await import('../../web/src/modules/people/dob');
    expect(inferMode({ mode: 'exact', text: '35' }, REF)).toBe('age');
    expect(inferMode({ mode: 'exact', text: '1982' }, REF)).toBe('year');
    expect(inferMode({ mode: 'exact', text: '۱۳۶۵/۰۴/۱۲' }, REF)).toBe('solarHijri');
    expect(inferMode({ mode: 'age', text: '12/04/1986' }, REF)).toBe('exact');
    expect(inferMode({ mode: 'year', text: '1982' }, REF)).toBeNull();
    expect(inferMode({ mode: 'exact', text: 'abc' }, REF)).toBeNull();
  });
});
