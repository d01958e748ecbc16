/**
 * From the registration form's draft to the API's types (the server's contract), and the checks the
 * form makes before it sends anything.
 */
import type { BirthInput, DocumentType, HouseholdCreate, LookupDraft, MemberInput, WashingtonGroup } from '../../../../src/modules/people/contract';
import { CONSENT_PURPOSES, WG_DOMAINS, WG_LEVELS } from '../../../../src/modules/people/kinds';
import { parseDob, type DobMode } from './dob';
import { ARABIC_NAME_FIELDS, NAME_FIELDS, memberHasContent, type HouseholdDraft, type MemberDraft } from './draft';
import { normaliseDocumentNumber, normalisePhone } from './script';

/** Which country issues each document type; `null` = any (passport, visa, other). */
export const DOCUMENT_COUNTRY: Record<DocumentType, string | null> = {
  tazkira: 'AFG',
  e_tazkira: 'AFG',
  por_card: 'PAK',
  acc: 'PAK',
  cnic: 'PAK',
  amayesh: 'IRN',
  hoshmand: 'IRN',
  passport: null,
  visa: null,
  other: null,
};

/** Document types as offered in the form, grouped by the country that issues them. */
export const DOCUMENT_GROUPS: { country: string; types: DocumentType[] }[] = [
  { country: 'AFG', types: ['tazkira', 'e_tazkira'] },
  { country: 'PAK', types: ['por_card', 'acc', 'cnic'] },
  { country: 'IRN', types: ['amayesh', 'hoshmand'] },
  { country: 'ANY', types: ['passport', 'visa', 'other'] },
];

export const ISSUING_COUNTRIES = ['AFG', 'PAK', 'IRN', 'TJK', 'UZB', 'TKM', 'IND', 'TUR'] as const;

const PRECISION: Record<DobMode, BirthInput['precision']> = {
  exact: 'exact',
  year: 'year',
  age: 'estimated_age',
  solarHijri: 'solar_hijri',
};

/** The date of birth as the API takes it, or null when empty or not readable. */
export function birthOf(m: MemberDraft, ref?: Date): BirthInput | null {
  const r = parseDob(m.dob, ref);
  if (r.kind !== 'ok') return null;
  const v = r.value;
  const value = m.dob.mode === 'exact' ? v.date : m.dob.mode === 'year' ? String(v.year) : m.dob.mode === 'age' ? String(v.age) : v.solarHijri!;
  return { precision: PRECISION[m.dob.mode], value };
}

const orNull = (s: string) => (s.trim() ? s.trim() : null);

function washingtonGroupOf(m: MemberDraft): WashingtonGroup | null {
  const answered = WG_DOMAINS.filter((d) => (WG_LEVELS as readonly string[]).includes(m.wg[d] ?? ''));
  if (!answered.length) return null;
  return Object.fromEntries(answered.map((d) => [d, m.wg[d]])) as WashingtonGroup;
}

export function memberInputOf(m: MemberDraft, ref?: Date): MemberInput {
  const phone = normalisePhone(m.phone);
  return {
    id: m.id,
    relationship: m.relationship as MemberInput['relationship'],
    givenName: orNull(m.givenName),
    fatherName: orNull(m.fatherName),
    familyName: orNull(m.familyName),
    givenNameAr: orNull(m.givenNameAr),
    fatherNameAr: orNull(m.fatherNameAr),
    familyNameAr: orNull(m.familyNameAr),
    sex: m.sex as MemberInput['sex'],
    birth: birthOf(m, ref),
    phones: phone ? [{ number: phone, label: null }] : [],
    washingtonGroup: washingtonGroupOf(m),
    specificNeeds: m.needs as MemberInput['specificNeeds'],
    uasc: m.uasc,
    elsewhereOperationId: m.elsewhere || null,
    documents: m.documents
      .filter((d) => d.number.trim())
      .map((d) => ({
        id: d.key,
        type: d.type as DocumentType,
        number: normaliseDocumentNumber(d.number),
        issuingCountry: d.issuingCountry,
        validFrom: orNull(d.validFrom),
        validTo: orNull(d.validUntil),
        status: 'issued' as const,
      })),
  };
}

/** An id derived from the household's: the same draft always gives the same consent ids. */
export function derivedId(base: string, n: number): string {
  return base.slice(0, -2) + (n & 0xff).toString(16).padStart(2, '0');
}

/**
 * The create request. Everything in it comes from the draft (ids included), so a retried save sends
 * the very same body and the server answers the stored household instead of registering it twice.
 */
export function householdCreateOf(h: HouseholdDraft, operationId: string, flaggedNote: string | null): HouseholdCreate {
  const members = h.members.filter(memberHasContent);
  const head = members.find((m) => m.relationship === 'head') ?? members[0];
  const consents = h.consentGiven
    ? CONSENT_PURPOSES.filter((p) => h.consentPurposes.includes(p)).map((purpose) => ({
        id: derivedId(h.id, 1 + CONSENT_PURPOSES.indexOf(purpose)),
        individualId: head?.id ?? null,
        purpose,
        givenOn: h.consentDate,
        notes: null,
      }))
    : [];
  const notes = [h.notes.trim(), flaggedNote].filter(Boolean).join('\n');
  return {
    id: h.id,
    operationId,
    populationGroup: h.populationGroup as HouseholdCreate['populationGroup'],
    status: 'active',
    currentPcode: h.currentPcode,
    originPcode: h.originPcode,
    destinationPcode: h.destinationPcode,
    crossingSiteId: h.crossingSiteId,
    crossingDate: orNull(h.crossingDate),
    femaleHeaded: h.femaleHeaded,
    notes: notes || null,
    members: members.map((m) => memberInputOf(m)),
    consents,
  };
}

/** What the duplicate lookup gets for one member row; null when too little is typed to look. */
export function lookupDraftOf(m: MemberDraft, h: HouseholdDraft): LookupDraft | null {
  const latin = NAME_FIELDS.map((f) => m[f].trim()).join('');
  const arabic = ARABIC_NAME_FIELDS.map((f) => m[f].trim()).join('');
  const doc = m.documents.map((d) => normaliseDocumentNumber(d.number)).find((n) => n.length >= 4) ?? null;
  const phone = normalisePhone(m.phone);
  const hasName = m.givenName.trim().length >= 2 || m.givenNameAr.trim().length >= 2;
  if (!hasName && !doc && phone.length < 7) return null;
  if (hasName && latin.length + arabic.length < 4 && !doc) return null;
  return {
    givenName: orNull(m.givenName),
    fatherName: orNull(m.fatherName),
    familyName: orNull(m.familyName),
    givenNameAr: orNull(m.givenNameAr),
    fatherNameAr: orNull(m.fatherNameAr),
    familyNameAr: orNull(m.familyNameAr),
    sex: m.sex === 'male' || m.sex === 'female' ? m.sex : null,
    birth: birthOf(m),
    documentNumber: doc,
    phone: phone.length >= 7 ? phone : null,
    locationPcode: h.originPcode ?? h.currentPcode ?? null,
  };
}

export type DraftProblem =
  | { where: 'household'; field: 'populationGroup' | 'consent' | 'members' | 'head' }
  | { where: 'member'; index: number; field: 'name' | 'sex' | 'relationship' | 'dob' | 'document' };

/** What stops a save, in the order the officer meets the fields. */
export function problemsOf(h: HouseholdDraft): DraftProblem[] {
  const out: DraftProblem[] = [];
  if (!h.populationGroup) out.push({ where: 'household', field: 'populationGroup' });
  const rows = h.members.map((m, index) => ({ m, index })).filter(({ m }) => memberHasContent(m));
  if (!rows.length) out.push({ where: 'household', field: 'members' });
  else if (rows.filter(({ m }) => m.relationship === 'head').length !== 1) out.push({ where: 'household', field: 'head' });
  for (const { m, index } of rows) {
    if (![...NAME_FIELDS, ...ARABIC_NAME_FIELDS].some((f) => m[f].trim())) out.push({ where: 'member', index, field: 'name' });
    if (m.sex !== 'male' && m.sex !== 'female') out.push({ where: 'member', index, field: 'sex' });
    if (!m.relationship) out.push({ where: 'member', index, field: 'relationship' });
    if (m.dob.text.trim() && parseDob(m.dob).kind === 'error') out.push({ where: 'member', index, field: 'dob' });
    if (m.documents.some((d) => d.number.trim() && (!d.type || !/^[A-Z]{3}$/.test(d.issuingCountry)))) out.push({ where: 'member', index, field: 'document' });
  }
  if (!h.consentGiven || !h.consentPurposes.includes('registration') || !h.consentDate) out.push({ where: 'household', field: 'consent' });
  return out;
}
