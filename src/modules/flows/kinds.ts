/** Value lists of DTM flow monitoring, shared by the tables, the contract and the web app (no database imports). */

export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** draft → submitted → verified → published. A correction starts a new version as a draft. */
export const COUNT_STATUSES = ['draft', 'submitted', 'verified', 'published'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];

export const TRANSPORT_MODES = ['foot', 'car', 'bus', 'truck', 'other'] as const;

export const SEXES = ['m', 'f'] as const;
export const AGE_BANDS = ['18-24', '25-34', '35-49', '50-59', '60+'] as const;

/** Documents a group may hold, per country it comes from (DOMAIN.md). `none` excludes the others. */
export const DOCUMENTS_BY_ORIGIN = {
  PAK: ['por', 'acc', 'passport', 'visa', 'tazkira', 'none'],
  IRN: ['passport', 'visa', 'amayesh', 'hoshmand', 'tazkira', 'none'],
} as const;
export const ORIGIN_COUNTRIES = ['PAK', 'IRN'] as const;
export type OriginCountry = (typeof ORIGIN_COUNTRIES)[number];
export const ALL_DOCUMENTS = ['por', 'acc', 'passport', 'visa', 'amayesh', 'hoshmand', 'tazkira', 'none'] as const;

export const REASONS = ['deportation', 'return', 'economic', 'family_visit', 'medical', 'education', 'fear_of_arrest', 'debt'] as const;
export const INTENDED_STAYS = ['lt1y', 'ge1y'] as const;
export const VULNERABILITIES = [
  'female_headed',
  'disability',
  'unaccompanied_minor',
  'separated_child',
  'older_person_alone',
  'serious_medical_condition',
  'pregnant_or_lactating',
] as const;
export const NEEDS = ['food', 'shelter', 'cash', 'health', 'transport', 'documentation', 'water', 'nfi', 'protection', 'employment', 'education'] as const;
