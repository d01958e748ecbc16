/**
 * One demo user per persona of the domain brief. Grants fit the job: an enumerator reaches only
 * the provinces of her crossing points, a partner only her organisation's rows.
 */
export interface PersonaGrant {
  roleId: string;
  operationId: string;
  areaPcode?: string;
  /** Acronym of a demo organisation. */
  organisation?: string;
}

export interface Persona {
  username: string;
  displayName: string;
  organisation: string;
  language: string;
  grants: PersonaGrant[];
}

export const DEMO_ORGANISATIONS = [
  { acronym: 'IOM', name: 'International Organization for Migration', type: 'un_agency' as const, operationIds: ['AFG', 'PAK', 'IRN'] },
  { acronym: 'HRA', name: 'Hamrah Relief Alliance (demo partner)', type: 'national_ngo' as const, operationIds: ['PAK'] },
  { acronym: 'KSN', name: 'Khyber Shelter Network (demo partner)', type: 'national_ngo' as const, operationIds: ['PAK', 'AFG'] },
  { acronym: 'GSA', name: 'Global Shelter Action (demo partner)', type: 'international_ngo' as const, operationIds: ['AFG', 'PAK'] },
];

const both = (roleId: string): PersonaGrant[] => [{ roleId, operationId: 'AFG' }, { roleId, operationId: 'PAK' }];

export const PERSONAS: Persona[] = [
  { username: 'admin', displayName: 'Ayesha Admin', organisation: 'IOM', language: 'en', grants: [...both('admin'), { roleId: 'admin', operationId: 'IRN' }] },
  { username: 'enumerator', displayName: 'Nasrin Enumerator', organisation: 'IOM', language: 'fa-AF', grants: [{ roleId: 'enumerator', operationId: 'AFG', areaPcode: 'AF06' }, { roleId: 'enumerator', operationId: 'AFG', areaPcode: 'AF27' }] },
  { username: 'analyst', displayName: 'Omid Analyst', organisation: 'IOM', language: 'en', grants: both('analyst') },
  { username: 'registrar', displayName: 'Rahim Registrar', organisation: 'IOM', language: 'fa-AF', grants: [{ roleId: 'registrar', operationId: 'AFG' }] },
  { username: 'cash', displayName: 'Sana Cash', organisation: 'IOM', language: 'en', grants: both('cash') },
  { username: 'distributor', displayName: 'Karim Distributor', organisation: 'IOM', language: 'ps', grants: [{ roleId: 'distributor', operationId: 'AFG', areaPcode: 'AF06' }] },
  { username: 'caseworker', displayName: 'Laila Caseworker', organisation: 'IOM', language: 'fa-AF', grants: [{ roleId: 'caseworker', operationId: 'AFG' }] },
  { username: 'gbv', displayName: 'Mariam GBV', organisation: 'IOM', language: 'fa-AF', grants: [{ roleId: 'gbv', operationId: 'AFG' }] },
  { username: 'cfm', displayName: 'Bilal CFM', organisation: 'IOM', language: 'ur', grants: both('cfm') },
  { username: 'psea', displayName: 'Farida PSEA', organisation: 'IOM', language: 'en', grants: both('psea') },
  { username: 'warehouse', displayName: 'Javed Warehouse', organisation: 'IOM', language: 'en', grants: [{ roleId: 'warehouse', operationId: 'AFG' }] },
  { username: 'partner', displayName: 'Hina Partner', organisation: 'HRA', language: 'ur', grants: [{ roleId: 'partner', operationId: 'PAK', organisation: 'HRA' }] },
  { username: 'viewer', displayName: 'Daniel Viewer', organisation: 'IOM', language: 'en', grants: both('viewer') },
];
