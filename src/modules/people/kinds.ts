/** Value lists of the people registry, shared by the tables, the contract and the web app (no database imports). */

export const HOUSEHOLD_STATUSES = ['active', 'moved_on', 'inactive', 'merged'] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];

/** Population groups of DOMAIN.md: returnees (deported / spontaneous), IDPs, Afghans in Pakistan by document, hosts. */
export const POPULATION_GROUPS = [
  'returnee_deported',
  'returnee_spontaneous',
  'idp',
  'refugee_por',
  'refugee_acc',
  'refugee_undocumented',
  'host_community',
] as const;
export type PopulationGroup = (typeof POPULATION_GROUPS)[number];

export const RELATIONSHIPS = [
  'head',
  'spouse',
  'son',
  'daughter',
  'father',
  'mother',
  'brother',
  'sister',
  'grandchild',
  'grandparent',
  'son_in_law',
  'daughter_in_law',
  'nephew_niece',
  'other_relative',
  'non_relative',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const SEXES = ['male', 'female'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * How a date of birth was given. The original input is kept; the normalised form is a Gregorian
 * date plus the range of plausible birth years.
 * - exact: `YYYY-MM-DD` (Gregorian)
 * - month: `YYYY-MM`
 * - year: `YYYY`
 * - estimated_age: whole years at the time of registration, e.g. `35`
 * - solar_hijri: `1365/04/12` (or `1365-04-12`), or a Solar Hijri year `1365`
 */
export const BIRTH_PRECISIONS = ['exact', 'month', 'year', 'estimated_age', 'solar_hijri'] as const;
export type BirthPrecision = (typeof BIRTH_PRECISIONS)[number];

/** Washington Group Short Set: six domains, four answers each. */
export const WG_DOMAINS = ['seeing', 'hearing', 'walking', 'cognition', 'selfCare', 'communication'] as const;
export type WgDomain = (typeof WG_DOMAINS)[number];
export const WG_LEVELS = ['no_difficulty', 'some_difficulty', 'a_lot_of_difficulty', 'cannot_do_at_all'] as const;
export type WgLevel = (typeof WG_LEVELS)[number];

/**
 * UNHCR specific-needs categories (top-level codes): child at risk, unaccompanied or separated
 * child, woman at risk, older person at risk, single parent or caregiver, disability, serious
 * medical condition, specific legal and physical protection needs, torture, SGBV, family unity.
 */
export const SPECIFIC_NEEDS = ['CR', 'SC', 'WR', 'ER', 'SP', 'DS', 'SM', 'LP', 'TR', 'SV', 'FU'] as const;
export type SpecificNeed = (typeof SPECIFIC_NEEDS)[number];

/** Documents of DOMAIN.md: PoR card, ACC, Tazkira (paper / e-Tazkira), passport, visa, Amayesh, Hoshmand, CNIC. */
export const DOCUMENT_TYPES = ['por_card', 'acc', 'tazkira', 'e_tazkira', 'passport', 'visa', 'amayesh', 'hoshmand', 'cnic', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A document's status over time (history rows; the latest is the current status). */
export const DOCUMENT_STATUSES = ['issued', 'extended', 'expired', 'lost', 'stolen', 'confiscated', 'revoked', 'replaced'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const CONSENT_PURPOSES = ['registration', 'data_sharing', 'referral', 'assistance', 'follow_up_contact'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const REMOVAL_REASONS = ['left_household', 'deceased', 'duplicate', 'entered_in_error'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** Why a search result was found. */
export const MATCH_REASONS = ['name', 'arabic', 'phonetic', 'document', 'phone', 'reference'] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];
