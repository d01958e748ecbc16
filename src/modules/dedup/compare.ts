/**
 * Side-by-side verdicts for the review page: for each field, whether the two records agree,
 * are similar (a variant spelling, an overlapping birth range, a one-character document typo,
 * the same province), differ, or one of them lacks it. Names are compared on the engine's
 * normalised keys (Mohammad = Muhammad = Mohd; Arabic-script letters folded), so a verdict
 * never hinges on spelling alone. Pure: the records come from people/merge.ts.
 */
import type { ComparedRecord } from '../people/merge';
import type { FieldComparison } from './contract';

type Verdict = FieldComparison['verdict'];

function nameVerdict(a: string | null, b: string | null, ka: string | null, kb: string | null): Verdict {
  if (!a || !b) return 'missing';
  if (ka && kb && ka === kb) return 'agree';
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return 'agree';
  const ta = new Set((ka ?? a.toLowerCase()).split(/\s+/).filter(Boolean));
  const tb = (kb ?? b.toLowerCase()).split(/\s+/).filter(Boolean);
  return tb.some((t) => ta.has(t)) ? 'similar' : 'differ';
}

const cleanDoc = (s: string) => s.toUpperCase().replace(/[^0-9A-Z]/g, '');
const cleanPhone = (s: string) => s.replace(/\D/g, '').slice(-9);

/** True when one string becomes the other with one substitution, insertion or deletion. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function setVerdict(a: string[] | null, b: string[] | null, clean: (s: string) => string, fuzzy: boolean): Verdict {
  if (!a || !b || !a.length || !b.length) return 'missing';
  const ca = a.map(clean).filter(Boolean);
  const cb = b.map(clean).filter(Boolean);
  if (ca.some((x) => cb.includes(x))) return 'agree';
  if (fuzzy && ca.some((x) => cb.some((y) => x.length >= 5 && oneEditApart(x, y)))) return 'similar';
  return 'differ';
}

function birthVerdict(a: ComparedRecord['birth'], b: ComparedRecord['birth']): Verdict {
  if (!a || !b) return 'missing';
  if (a.date && b.date && a.date === b.date && a.precision === b.precision) return 'agree';
  if (a.input === b.input && a.precision === b.precision) return 'agree';
  if (a.yearFrom === null || a.yearTo === null || b.yearFrom === null || b.yearTo === null) return 'missing';
  // An estimated age or a year is a range: overlapping ranges are compatible, not proof.
  if (a.yearFrom <= b.yearTo + 1 && b.yearFrom <= a.yearTo + 1) return 'similar';
  return 'differ';
}

function placeVerdict(a: string | null, b: string | null): Verdict {
  if (!a || !b) return 'missing';
  if (a === b) return 'agree';
  return a.slice(0, 4) === b.slice(0, 4) ? 'similar' : 'differ';
}

const birthText = (b: ComparedRecord['birth']) => (b ? `${b.input} (${b.precision}${b.yearFrom !== null ? `, ${b.yearFrom === b.yearTo ? b.yearFrom : `${b.yearFrom}–${b.yearTo}`}` : ''})` : null);
const docsText = (d: ComparedRecord['documents']) => (d === null ? null : d.length ? d.map((x) => `${x.type} ${x.number} (${x.issuingCountry}, ${x.status})`).join('; ') : null);

/** The field rows of the comparison page, in display order. */
export function compareRecords(a: ComparedRecord, b: ComparedRecord): FieldComparison[] {
  const rows: FieldComparison[] = [];
  const add = (field: FieldComparison['field'], va: string | null, vb: string | null, verdict: Verdict) => rows.push({ field, a: va, b: vb, verdict });
  add('givenName', a.givenName, b.givenName, nameVerdict(a.givenName, b.givenName, a.givenName ? a.keys.given : null, b.givenName ? b.keys.given : null));
  add('fatherName', a.fatherName, b.fatherName, nameVerdict(a.fatherName, b.fatherName, a.fatherName ? a.keys.father : null, b.fatherName ? b.keys.father : null));
  add('familyName', a.familyName, b.familyName, nameVerdict(a.familyName, b.familyName, a.familyName ? a.keys.family : null, b.familyName ? b.keys.family : null));
  add('givenNameAr', a.givenNameAr, b.givenNameAr, nameVerdict(a.givenNameAr, b.givenNameAr, a.keys.givenAr, b.keys.givenAr));
  add('fatherNameAr', a.fatherNameAr, b.fatherNameAr, nameVerdict(a.fatherNameAr, b.fatherNameAr, a.keys.fatherAr, b.keys.fatherAr));
  add('familyNameAr', a.familyNameAr, b.familyNameAr, nameVerdict(a.familyNameAr, b.familyNameAr, a.keys.familyAr, b.keys.familyAr));
  add('sex', a.sex, b.sex, a.sex === b.sex ? 'agree' : 'differ');
  add('birth', birthText(a.birth), birthText(b.birth), birthVerdict(a.birth, b.birth));
  const hidden = !a.sensitive || !b.sensitive;
  add('documents', docsText(a.documents), docsText(b.documents), hidden ? 'missing' : setVerdict(a.documents?.map((d) => d.number) ?? null, b.documents?.map((d) => d.number) ?? null, cleanDoc, true));
  add('phones', a.phones?.join('; ') || null, b.phones?.join('; ') || null, hidden ? 'missing' : setVerdict(a.phones, b.phones, cleanPhone, false));
  add('currentPcode', a.currentPcode, b.currentPcode, placeVerdict(a.currentPcode, b.currentPcode));
  add('originPcode', a.originPcode, b.originPcode, placeVerdict(a.originPcode, b.originPcode));
  add('destinationPcode', a.destinationPcode, b.destinationPcode, placeVerdict(a.destinationPcode, b.destinationPcode));
  const crossing = (r: ComparedRecord) => (r.crossingDate || r.crossingSite ? [r.crossingSite, r.crossingDate].filter(Boolean).join(' ') : null);
  add('crossing', crossing(a), crossing(b), 'info');
  add('household', `${a.householdReference} (${a.householdSize})`, `${b.householdReference} (${b.householdSize})`, a.householdId === b.householdId ? 'agree' : 'info');
  add('relationship', a.relationship, b.relationship, 'info');
  add('registeredAt', a.registeredAt.slice(0, 10), b.registeredAt.slice(0, 10), 'info');
  return rows;
}
