/** Request bodies for tests and authz cases (synthetic people only). */
import { uuidv7 } from '../../shared/ids';

/** A household body: head + spouse + child, with documents, phones, vulnerabilities and consent. */
export function householdBody(over: Record<string, unknown> = {}, head: Record<string, unknown> = {}) {
  const headId = uuidv7();
  return {
    id: uuidv7(),
    operationId: 'AFG',
    populationGroup: 'returnee_deported',
    currentPcode: 'AF0601',
    originPcode: 'PK513',
    destinationPcode: 'AF0101',
    crossingDate: '2025-03-02',
    femaleHeaded: false,
    members: [
      {
        id: headId,
        relationship: 'head',
        givenName: 'Muhammad Karim',
        fatherName: 'Abdul Rahman',
        familyName: 'Ahmadzai',
        givenNameAr: 'محمد کریم',
        sex: 'male',
        birth: { precision: 'year', value: '1984' },
        phones: [{ number: '+93 700 111 222', label: 'own' }],
        washingtonGroup: { walking: 'a_lot_of_difficulty', seeing: 'no_difficulty' },
        specificNeeds: ['DS'],
        documents: [{ id: uuidv7(), type: 'por_card', number: 'POR-99887766', issuingCountry: 'PAK', validFrom: '2022-01-01', validTo: '2025-06-30' }],
        ...head,
      },
      { id: uuidv7(), relationship: 'spouse', givenName: 'Fatima', familyName: 'Ahmadzai', sex: 'female', birth: { precision: 'solar_hijri', value: '1368/02/10' } },
      { id: uuidv7(), relationship: 'son', givenNameAr: 'احمد', sex: 'male', birth: { precision: 'estimated_age', value: '7' }, uasc: false },
    ],
    consents: [{ id: uuidv7(), purpose: 'registration', givenOn: '2025-03-02' }],
    ...over,
  };
}
