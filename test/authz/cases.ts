import type { AuthzCase } from './types';
import { cases as access } from '../../src/modules/access/authz.cases';
import { cases as places } from '../../src/modules/places/authz.cases';
import { cases as flows } from '../../src/modules/flows/authz.cases';
import { cases as flowAlerts } from '../../src/modules/flows/alerts.authz.cases';
import { cases as flowExports } from '../../src/modules/flows/exports.authz.cases';
import { cases as people } from '../../src/modules/people/authz.cases';
import { cases as mobility } from '../../src/modules/mobility/authz.cases';
import { cases as imports } from '../../src/modules/imports/authz.cases';
import { cases as flowDashboard } from '../../src/modules/flows/dashboard.authz.cases';
import { cases as dedup } from '../../src/modules/dedup/authz.cases';
import { cases as linkage } from '../../src/modules/linkage/authz.cases';

/** Add each module's cases here. */
export const ALL_CASES: AuthzCase[] = [...access, ...places, ...flows, ...flowAlerts, ...flowExports, ...people, ...mobility, ...imports, ...flowDashboard, ...dedup, ...linkage];
