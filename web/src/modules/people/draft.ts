/**
 * The registration form's state: one household and its members as rows. Plain data and a reducer,
 * so the keyboard handling, the duplicate check and the save all work on the same object.
 */
import type { DobInput } from './dob';
import { uuidv7 } from '../../lib/ids';

export interface DocumentDraft {
  key: string;
  type: string;
  number: string;
  issuingCountry: string;
  validFrom: string;
  validUntil: string;
}

export interface FlaggedCandidate {
  personId: string;
  reference: string;
  score: number;
  decision: string;
}

export type WgAnswers = Record<string, string>;

export interface MemberDraft {
  /** The individual's id (UUIDv7), made when the row is added and kept across retries. */
  id: string;
  givenName: string;
  fatherName: string;
  familyName: string;
  givenNameAr: string;
  fatherNameAr: string;
  familyNameAr: string;
  sex: string;
  dob: DobInput;
  relationship: string;
  documents: DocumentDraft[];
  phone: string;
  wg: WgAnswers;
  needs: string[];
  uasc: boolean;
  /** Split household: the operation the member is recorded in instead (e.g. still in PAK), or ''. */
  elsewhere: string;
  /** Candidates the officer saw and chose to continue past: saved as "possible duplicate" flags. */
  flagged: FlaggedCandidate[];
  /** Whether the row's details (documents, vulnerabilities, phone) are open. */
  open: boolean;
}

export interface HouseholdDraft {
  id: string;
  populationGroup: string;
  crossingSiteId: string | null;
  crossingDate: string;
  currentPcode: string | null;
  originPcode: string | null;
  destinationPcode: string | null;
  femaleHeaded: boolean;
  consentGiven: boolean;
  consentPurposes: string[];
  consentDate: string;
  notes: string;
  members: MemberDraft[];
}

export const NAME_FIELDS = ['givenName', 'fatherName', 'familyName'] as const;
export const ARABIC_NAME_FIELDS = ['givenNameAr', 'fatherNameAr', 'familyNameAr'] as const;

export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function emptyMember(relationship: string): MemberDraft {
  return {
    id: uuidv7(),
    givenName: '',
    fatherName: '',
    familyName: '',
    givenNameAr: '',
    fatherNameAr: '',
    familyNameAr: '',
    sex: '',
    dob: { mode: 'exact', text: '' },
    relationship,
    documents: [],
    phone: '',
    wg: {},
    needs: [],
    uasc: false,
    elsewhere: '',
    flagged: [],
    open: false,
  };
}

export function emptyDocument(type = '', issuingCountry = ''): DocumentDraft {
  return { key: uuidv7(), type, number: '', issuingCountry, validFrom: '', validUntil: '' };
}

export function emptyHousehold(defaults: Partial<HouseholdDraft> = {}): HouseholdDraft {
  return {
    id: uuidv7(),
    populationGroup: '',
    crossingSiteId: null,
    crossingDate: today(),
    currentPcode: null,
    originPcode: null,
    destinationPcode: null,
    femaleHeaded: false,
    consentGiven: false,
    consentPurposes: ['registration', 'assistance'],
    consentDate: today(),
    notes: '',
    ...defaults,
    members: [emptyMember('head')],
  };
}

export type DraftAction =
  | { type: 'household'; patch: Partial<Omit<HouseholdDraft, 'members'>> }
  | { type: 'member'; index: number; patch: Partial<MemberDraft> }
  | { type: 'add'; after: number; relationship: string }
  | { type: 'remove'; index: number }
  | { type: 'move'; index: number; by: -1 | 1 }
  | { type: 'reset'; draft: HouseholdDraft };

export function draftReducer(state: HouseholdDraft, action: DraftAction): HouseholdDraft {
  switch (action.type) {
    case 'household':
      return { ...state, ...action.patch };
    case 'member': {
      const members = state.members.slice();
      const m = members[action.index];
      if (!m) return state;
      members[action.index] = { ...m, ...action.patch };
      const next = { ...state, members };
      // A woman heading the household marks it female-headed (the officer can still untick it).
      if (action.index === 0 && action.patch.sex !== undefined && action.patch.sex !== m.sex) next.femaleHeaded = action.patch.sex === 'female';
      return next;
    }
    case 'add': {
      const members = state.members.slice();
      members.splice(action.after + 1, 0, emptyMember(action.relationship));
      return { ...state, members };
    }
    case 'remove': {
      if (state.members.length <= 1) return { ...state, members: [emptyMember('head')] };
      const members = state.members.filter((_, i) => i !== action.index);
      return { ...state, members };
    }
    case 'move': {
      const to = action.index + action.by;
      if (to < 0 || to >= state.members.length) return state;
      const members = state.members.slice();
      [members[action.index], members[to]] = [members[to]!, members[action.index]!];
      return { ...state, members };
    }
    case 'reset':
      return action.draft;
  }
}

/** A member row counts once anything identifying is typed in it. */
export function memberHasContent(m: MemberDraft): boolean {
  return [...NAME_FIELDS, ...ARABIC_NAME_FIELDS].some((f) => m[f].trim() !== '') || m.dob.text.trim() !== '';
}
