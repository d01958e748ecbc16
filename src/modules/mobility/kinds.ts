/** Value lists of DTM mobility tracking, shared by the tables, the contract and the web app (no database imports). */

/** A round is one data collection exercise: a baseline over districts/settlements, a site assessment, or an event (rapid) assessment. */
export const ROUND_KINDS = ['baseline', 'site', 'event'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

/** draft → submitted → verified → published (as flow counts). Assessments can be entered and corrected while the round is draft or submitted. */
export const ROUND_STATUSES = ['draft', 'submitted', 'verified', 'published'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** Arrival periods of the baseline breakdown (when the people arrived in, or left, the location). */
export const ARRIVAL_PERIODS = ['before_2021', '2021_2023', '2024', '2025'] as const;
export type ArrivalPeriod = (typeof ARRIVAL_PERIODS)[number];

/** Population groups a baseline row counts, each in individuals and households. */
export const BASELINE_GROUPS = ['idps', 'returnees', 'idpReturnees', 'outMigrants'] as const;
export type BaselineGroup = (typeof BASELINE_GROUPS)[number];

/** DTM displacement reasons (the DTM API's displacementReason). */
export const DISPLACEMENT_REASONS = ['conflict', 'natural_disaster', 'economic', 'other'] as const;

export const EVENT_TYPES = ['flood', 'flash_flood', 'earthquake', 'landslide', 'avalanche', 'drought', 'conflict', 'returns_surge', 'fire', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** HDX sector codes (DOMAIN.md): priority needs are ranked lists of these. */
export const SECTORS = ['SHL', 'CCM', 'PRO', 'PRO-CPN', 'PRO-GBV', 'PRO-HLP', 'FSC', 'WSH', 'LOG', 'EDU', 'NUT', 'HEA', 'ERY'] as const;
export type Sector = (typeof SECTORS)[number];

/** Services a site assessment checks as available on the site. */
export const SITE_SERVICES = ['water', 'latrines', 'health', 'education', 'food', 'shelter', 'electricity', 'market', 'protection_desk', 'transport'] as const;
