import type { InjectOptions } from 'fastify';
import type { TestApp } from '../helpers/app';
import { PERSONAS } from '../../src/modules/demo/personas';

export const PERSONA_NAMES = PERSONAS.map((p) => p.username) as readonly string[];
export type Expectations = Record<string, number>;

/**
 * One row of the authorization matrix: a request against one route, and the status every
 * persona must get. Modules export their rows from `src/modules/<m>/authz.cases.ts`.
 */
export interface AuthzCase {
  /** `METHOD /url` exactly as registered, e.g. `GET /api/v1/areas/:pcode`. */
  route: string;
  /** What the case shows, e.g. "partner cannot see another org's site". */
  title?: string;
  /** Builds the request for one persona; may create fixtures through `t` (as admin). */
  request: (t: TestApp, persona: string) => Promise<InjectOptions> | InjectOptions;
  /** Expected status for every persona in PERSONA_NAMES (all must be listed). */
  expect: Expectations;
  /** Expected status without credentials; 401 unless said. */
  anonymous?: number;
}

/** `allowed` personas get `ok`; every other persona gets `otherwise`. Spells the whole row out. */
export function only(allowed: string[], ok: number, otherwise: number): Expectations {
  for (const a of allowed) if (!PERSONA_NAMES.includes(a)) throw new Error(`unknown persona ${a}`);
  return Object.fromEntries(PERSONA_NAMES.map((p) => [p, allowed.includes(p) ? ok : otherwise]));
}

export const everyone = (status: number): Expectations => only([...PERSONA_NAMES], status, status);
