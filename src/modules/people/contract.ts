/**
 * People registry API contract (Zod), shared by the server and the web app.
 * Stable: later changes are additive only.
 *
 * Sensitive fields (documents, phones, vulnerabilities, female-headed) are returned only to
 * holders of `people.sensitive.read`; for others they are `null` and `sensitive` is false.
 *
 * Routes (all under /api/v1):
 *   POST   /people/households                         householdCreate → householdDetail (201; 200 on identical re-POST; 409 other body)
 *   GET    /people/households?operation=AFG&…         householdsQuery → householdsPage (cursor paging)
 *   GET    /people/households/:id                     → householdDetail
 *   PATCH  /people/households/:id                     householdUpdate → householdDetail (409 when baseVersion is stale)
 *   GET    /people/households/:id/versions/:version   → versionSnapshot
 *   POST   /people/households/:id/members             memberAdd → householdDetail
 *   PATCH  /people/households/:id/members/:individualId         memberUpdate → householdDetail
 *   POST   /people/households/:id/members/:individualId/remove  memberRemove → householdDetail
 *   POST   /people/households/:id/members/:individualId/documents  documentAdd → householdDetail
 *   POST   /people/documents/:id/status               documentStatusChange → householdDetail
 *   POST   /people/households/:id/consents            consentAdd → householdDetail
 *   POST   /people/consents/:id/withdraw              consentWithdraw → householdDetail
 *   GET    /people/households/:id/timeline            → timelineResult
 *   GET    /people/households/:id/qr?format=svg|png   → the QR code image of the household's token
 *   GET    /people/qr/:token                          → householdView (resolve a scanned card)
 *   GET    /people/search?operation=AFG&q=…&limit=20  → searchResult
 *   POST   /people/lookup                             lookupRequest → lookupResult (duplicate check while typing)
 */
import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import {
  BIRTH_PRECISIONS,
  CONSENT_PURPOSES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  HOUSEHOLD_STATUSES,
  MATCH_REASONS,
  POPULATION_GROUPS,
  RELATIONSHIPS,
  REMOVAL_REASONS,
  SEXES,
  SPECIFIC_NEEDS,
  WG_LEVELS,
} from './kinds';
import { schemaText } from '../../shared/messages';

export * from './kinds';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate'))
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), schemaText('value.notCalendarDate'));
const operation = z.string().min(2).max(10);
const pcode = z.string().trim().toUpperCase().min(2).max(20);
const iso3 = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, schemaText('value.iso3', { example: 'AFG' }));
const name = z.string().trim().max(100);
const optName = name.nullish();

// Inputs -----------------------------------------------------------------------------------------

/** A date of birth as given (see BIRTH_PRECISIONS in kinds.ts for the accepted `value` forms). */
export const birthInput = z.object({
  precision: z.enum(BIRTH_PRECISIONS),
  /** The original input, e.g. `1987-03-02`, `1987-03`, `1987`, `35`, `1365/04/12`. Persian digits are accepted. */
  value: z.string().trim().min(1).max(20),
});
export type BirthInput = z.infer<typeof birthInput>;

const wgLevel = z.enum(WG_LEVELS).nullish();
/** Washington Group Short Set answers; a domain left out was not asked. */
export const washingtonGroup = z.object({
  seeing: wgLevel,
  hearing: wgLevel,
  walking: wgLevel,
  cognition: wgLevel,
  selfCare: wgLevel,
  communication: wgLevel,
});
export type WashingtonGroup = z.infer<typeof washingtonGroup>;

export const phoneInput = z.object({
  number: z.string().trim().min(5).max(30),
  /** Free label, e.g. "own", "brother's". */
  label: z.string().trim().max(50).nullish(),
});

export const documentInput = z.object({
  /** Client-generated UUIDv7. */
  id: z.uuid(),
  type: z.enum(DOCUMENT_TYPES),
  number: z.string().trim().min(1).max(50),
  issuingCountry: iso3,
  validFrom: isoDate.nullish(),
  validTo: isoDate.nullish(),
  /** First status-history entry (default `issued`). */
  status: z.enum(DOCUMENT_STATUSES).default('issued'),
});
export type DocumentInput = z.infer<typeof documentInput>;

/** The editable fields of a person (all optional on edit). At least one name (any script) is required. */
export const memberFields = z.object({
  relationship: z.enum(RELATIONSHIPS),
  givenName: optName,
  fatherName: optName,
  familyName: optName,
  givenNameAr: optName,
  fatherNameAr: optName,
  familyNameAr: optName,
  sex: z.enum(SEXES),
  birth: birthInput.nullish(),
  phones: z.array(phoneInput).max(5),
  washingtonGroup: washingtonGroup.nullish(),
  specificNeeds: z.array(z.enum(SPECIFIC_NEEDS)).max(SPECIFIC_NEEDS.length),
  /** Unaccompanied or separated child. */
  uasc: z.boolean(),
  /** Split household: the member is recorded as being in another operation (e.g. still in PAK). */
  elsewhereOperationId: operation.nullish(),
});
const memberDefaults = {
  phones: memberFields.shape.phones.default([]),
  specificNeeds: memberFields.shape.specificNeeds.default([]),
  uasc: memberFields.shape.uasc.default(false),
};

export const memberInput = memberFields.extend({
  ...memberDefaults,
  /** Client-generated UUIDv7. */
  id: z.uuid(),
  documents: z.array(documentInput).max(10).default([]),
});
export type MemberInput = z.infer<typeof memberInput>;

export const consentInput = z.object({
  id: z.uuid(),
  /** Who consented (a member id of this household); default: the head. */
  individualId: z.uuid().nullish(),
  purpose: z.enum(CONSENT_PURPOSES),
  givenOn: isoDate,
  notes: z.string().trim().max(500).nullish(),
});
export type ConsentInput = z.infer<typeof consentInput>;

/** Household fields (all optional on edit). Places are admin-area P-codes or site ids of the operation. */
export const householdFields = z.object({
  populationGroup: z.enum(POPULATION_GROUPS),
  status: z.enum(HOUSEHOLD_STATUSES),
  /** The registering organisation (organisation-limited grants see only their own). */
  organisationId: z.uuid().nullish(),
  currentPcode: pcode.nullish(),
  currentSiteId: z.uuid().nullish(),
  /** Where the household comes from; may be a P-code of another country (e.g. PK513). */
  originPcode: pcode.nullish(),
  destinationPcode: pcode.nullish(),
  destinationSiteId: z.uuid().nullish(),
  /** Border crossing point (site id) and date of crossing. */
  crossingSiteId: z.uuid().nullish(),
  crossingDate: isoDate.nullish(),
  femaleHeaded: z.boolean(),
  notes: z.string().trim().max(2000).nullish(),
});

export const householdCreate = householdFields.extend({
  status: householdFields.shape.status.default('active'),
  femaleHeaded: householdFields.shape.femaleHeaded.default(false),
  /** Client-generated UUIDv7: re-sending the same id and body answers the stored household (200). */
  id: z.uuid(),
  operationId: operation,
  /** One of them has relationship `head`. */
  members: z.array(memberInput).min(1).max(40),
  consents: z.array(consentInput).max(10).default([]),
});
export type HouseholdCreate = z.infer<typeof householdCreate>;

/** Edit: the version being edited, and only the fields that change (absent = unchanged, null = cleared). */
export const householdUpdate = householdFields.partial().extend({ baseVersion: z.number().int().min(1) });
export type HouseholdUpdate = z.infer<typeof householdUpdate>;

export const memberUpdate = memberFields.partial().extend({ baseVersion: z.number().int().min(1) });
export type MemberUpdate = z.infer<typeof memberUpdate>;

export const memberAdd = z.object({ baseVersion: z.number().int().min(1), member: memberInput });
export type MemberAdd = z.infer<typeof memberAdd>;

export const memberRemove = z.object({ baseVersion: z.number().int().min(1), reason: z.enum(REMOVAL_REASONS), note: z.string().trim().max(500).nullish() });
export type MemberRemove = z.infer<typeof memberRemove>;

export const documentAdd = z.object({ baseVersion: z.number().int().min(1), document: documentInput });
export type DocumentAdd = z.infer<typeof documentAdd>;

export const documentStatusChange = z.object({
  status: z.enum(DOCUMENT_STATUSES),
  /** When the change happened (default today). */
  on: isoDate.nullish(),
  /** A new end of validity (e.g. a PoR extension). */
  validTo: isoDate.nullish(),
  note: z.string().trim().max(500).nullish(),
});
export type DocumentStatusChange = z.infer<typeof documentStatusChange>;

export const consentAdd = z.object({ consent: consentInput });
export const consentWithdraw = z.object({ reason: z.string().trim().max(500).nullish() });
export type ConsentWithdraw = z.infer<typeof consentWithdraw>;

// Views ------------------------------------------------------------------------------------------

export const birthView = z.object({
  precision: z.enum(BIRTH_PRECISIONS),
  /** The original input. */
  input: z.string(),
  /** Normalised Gregorian date (for month/year/age precision: the first plausible day), or null. */
  date: z.string().nullable(),
  /** Plausible birth-year range (equal for exact dates). */
  yearFrom: z.number().int().nullable(),
  yearTo: z.number().int().nullable(),
});
export type BirthView = z.infer<typeof birthView>;

export const statusEntryView = z.object({
  status: z.enum(DOCUMENT_STATUSES),
  on: z.string(),
  validTo: z.string().nullable(),
  note: z.string().nullable(),
  at: z.string(),
  by: z.string().nullable(),
});

export const documentView = z.object({
  id: z.string(),
  individualId: z.string(),
  type: z.enum(DOCUMENT_TYPES),
  number: z.string(),
  issuingCountry: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  /** Current status (the latest history entry). */
  status: z.enum(DOCUMENT_STATUSES),
  /** Oldest first. */
  history: z.array(statusEntryView),
});
export type DocumentView = z.infer<typeof documentView>;

export const vulnerabilityView = z.object({
  washingtonGroup: washingtonGroup.nullable(),
  /** Any Washington Group domain at "a lot of difficulty" or worse (the WG disability cut-off). */
  disability: z.boolean(),
  specificNeeds: z.array(z.enum(SPECIFIC_NEEDS)),
  uasc: z.boolean(),
});

export const individualView = z.object({
  id: z.string(),
  householdId: z.string(),
  relationship: z.enum(RELATIONSHIPS),
  givenName: z.string().nullable(),
  fatherName: z.string().nullable(),
  familyName: z.string().nullable(),
  givenNameAr: z.string().nullable(),
  fatherNameAr: z.string().nullable(),
  familyNameAr: z.string().nullable(),
  /** "Given Family" (Latin if any, else Arabic script). */
  displayName: z.string(),
  sex: z.enum(SEXES),
  birth: birthView.nullable(),
  elsewhereOperationId: z.string().nullable(),
  removedAt: z.string().nullable(),
  removalReason: z.enum(REMOVAL_REASONS).nullable(),
  /** Sensitive (null without people.sensitive.read). */
  phones: z.array(z.object({ number: z.string(), label: z.string().nullable() })).nullable(),
  documents: z.array(documentView).nullable(),
  vulnerabilities: vulnerabilityView.nullable(),
});
export type IndividualView = z.infer<typeof individualView>;

export const consentView = z.object({
  id: z.string(),
  individualId: z.string().nullable(),
  purpose: z.enum(CONSENT_PURPOSES),
  givenOn: z.string(),
  notes: z.string().nullable(),
  recordedAt: z.string(),
  recordedBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
  withdrawalReason: z.string().nullable(),
});
export type ConsentView = z.infer<typeof consentView>;

export const householdView = z.object({
  id: z.string(),
  operationId: z.string(),
  /** Human-readable reference, e.g. AFG-HH-000123. */
  reference: z.string(),
  status: z.enum(HOUSEHOLD_STATUSES),
  populationGroup: z.enum(POPULATION_GROUPS),
  organisationId: z.string().nullable(),
  currentPcode: z.string().nullable(),
  currentSiteId: z.string().nullable(),
  originPcode: z.string().nullable(),
  destinationPcode: z.string().nullable(),
  destinationSiteId: z.string().nullable(),
  crossingSiteId: z.string().nullable(),
  crossingDate: z.string().nullable(),
  notes: z.string().nullable(),
  /** Sensitive (null without people.sensitive.read). */
  femaleHeaded: z.boolean().nullable(),
  headName: z.string().nullable(),
  /** Members not removed. */
  size: z.number().int(),
  version: z.number().int(),
  registeredAt: z.string(),
  registeredBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type HouseholdView = z.infer<typeof householdView>;

export const versionView = z.object({
  version: z.number().int(),
  /** What made this version, e.g. household.create, household.update, member.add, document.status. */
  action: z.string(),
  at: z.string(),
  by: z.string().nullable(),
});
export type VersionView = z.infer<typeof versionView>;

export const householdDetail = householdView.extend({
  /** Whether sensitive fields are included. */
  sensitive: z.boolean(),
  /** The QR token (printed on the household's card; resolves with GET /people/qr/:token). */
  qrToken: z.string(),
  /** Members, the head first; removed members last. */
  members: z.array(individualView),
  consents: z.array(consentView),
  /** Newest first. */
  versions: z.array(versionView),
});
export type HouseholdDetail = z.infer<typeof householdDetail>;

/** A stored version: the whole household as it was (sensitive parts only for sensitive readers). */
export const versionSnapshot = versionView.extend({ snapshot: householdDetail.omit({ versions: true }) });
export type VersionSnapshot = z.infer<typeof versionSnapshot>;

export const householdParams = z.object({ id: z.uuid() });
export const versionParams = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) });
export const memberParams = z.object({ id: z.uuid(), individualId: z.uuid() });
export const documentParams = z.object({ id: z.uuid() });
export const consentParams = z.object({ id: z.uuid() });
export const qrParams = z.object({ token: z.string().min(10).max(100) });
export const qrQuery = z.object({ format: z.enum(['svg', 'png']).default('svg') });

export const householdsQuery = pageQuery.extend({
  operation,
  status: z.enum(HOUSEHOLD_STATUSES).optional(),
  populationGroup: z.enum(POPULATION_GROUPS).optional(),
  /** Current place: this P-code and everything below it. */
  pcode: pcode.optional(),
  site: z.uuid().optional(),
  organisation: z.uuid().optional(),
  /** Registered on or after / before (YYYY-MM-DD). */
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const householdsPage = pageOf(householdView);

// Search -----------------------------------------------------------------------------------------

export const searchQuery = z.object({
  operation,
  /** Names in any spelling or script, a document number, a phone number or a household reference. */
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const personSummary = z.object({
  id: z.string(),
  operationId: z.string(),
  householdId: z.string(),
  householdReference: z.string(),
  relationship: z.enum(RELATIONSHIPS),
  displayName: z.string(),
  givenName: z.string().nullable(),
  fatherName: z.string().nullable(),
  familyName: z.string().nullable(),
  givenNameAr: z.string().nullable(),
  fatherNameAr: z.string().nullable(),
  familyNameAr: z.string().nullable(),
  sex: z.enum(SEXES),
  birth: birthView.nullable(),
  currentPcode: z.string().nullable(),
  householdStatus: z.enum(HOUSEHOLD_STATUSES),
  registeredAt: z.string(),
});
export type PersonSummary = z.infer<typeof personSummary>;

export const searchHit = z.object({
  person: personSummary,
  /** Higher is better; hits are sorted by it. */
  score: z.number(),
  matched: z.array(z.enum(MATCH_REASONS)),
});
export const searchResult = z.object({
  items: z.array(searchHit),
  /** Hits beyond `limit` are not counted exactly: true when more exist. */
  more: z.boolean(),
  tookMs: z.number(),
});
export type SearchResult = z.infer<typeof searchResult>;

// Duplicate lookup -------------------------------------------------------------------------------

/** A person being typed: every field optional. */
export const lookupDraft = z.object({
  givenName: optName,
  fatherName: optName,
  familyName: optName,
  givenNameAr: optName,
  fatherNameAr: optName,
  familyNameAr: optName,
  sex: z.enum(SEXES).nullish(),
  birth: birthInput.nullish(),
  documentNumber: z.string().trim().max(50).nullish(),
  phone: z.string().trim().max(30).nullish(),
  /** Where the person is (current or origin P-code). */
  locationPcode: pcode.nullish(),
});
export type LookupDraft = z.infer<typeof lookupDraft>;

export const lookupRequest = z.object({
  operationId: operation,
  draft: lookupDraft,
  /** Skip members of this household (the one being edited). */
  excludeHouseholdId: z.uuid().nullish(),
  /** Also look in the other operations where the user may read people (cross-border duplicates). Default true. */
  acrossOperations: z.boolean().optional(),
  limit: z.number().int().min(1).max(20).default(5),
});
export type LookupRequest = z.infer<typeof lookupRequest>;

export const lookupCandidate = z.object({
  person: personSummary,
  score: z.number(),
  decision: z.enum(['match', 'review']),
  /** Per-field weights from the engine (names, father, birth, sex, document, phone, location, address). */
  parts: z.record(z.string(), z.number()),
});
export const lookupResult = z.object({
  candidates: z.array(lookupCandidate),
  /** Individuals in the operation's lookup index. */
  indexSize: z.number().int(),
  tookMs: z.number(),
});
export type LookupResult = z.infer<typeof lookupResult>;

// Timeline ---------------------------------------------------------------------------------------

export const timelineEvent = z.object({
  at: z.string(),
  /** The module that added the event (people, assistance, cases, …). */
  module: z.string(),
  /** e.g. household.create, household.update, member.add, member.remove, document.status, consent.give, consent.withdraw. */
  kind: z.string(),
  /** Short English description (the web app may translate by kind). */
  title: z.string(),
  by: z.string().nullable(),
  individualId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type TimelineEvent = z.infer<typeof timelineEvent>;
export const timelineResult = z.object({ items: z.array(timelineEvent) });
