import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { auditLog } from '../access/schema';


describe.each(BACKENDS)('flow monitoring surveys on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let enumerator: Agent;
  let analyst: Agent;
  const site: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    enumerator = await t.as('enumerator');
    analyst = await t.as('analyst');
    for (const s of (await admin.get('/api/v1/sites?operation=AFG&limit=1000')).json().items) site[s.code] = s.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const survey = (over: Record<string, unknown> = {}) => ({
    id: uuidv7(),
    operationId: 'AFG',
    siteId: site['BCP-TORKHAM'],
    date: '2024-05-02',
    direction: 'in',
    respondentSex: 'f',
    respondentAgeBand: '25-34',
    groupSize: 5,
    men: 1,
    women: 1,
    boys: 2,
    girls: 1,
    originCountry: 'PAK',
    originPcode: 'pk528',
    documents: ['por', 'tazkira'],
    reasons: ['fear_of_arrest', 'deportation'],
    intendedStay: 'ge1y',
    destinationAdm2: 'AF0601',
    vulnerabilities: ['female_headed'],
    needs: ['shelter', 'cash'],
    consent: true,
    ...over,
  });

  it('stores a survey without names, fills the province from the district, and is idempotent', async () => {
    const body = survey();
    const res = await enumerator.post('/api/v1/flows/surveys', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: body.id, siteCode: 'BCP-TORKHAM', originPcode: 'PK528', destinationAdm1: 'AF06', destinationAdm2: 'AF0601', documents: ['por', 'tazkira'], reasons: ['deportation', 'fear_of_arrest'] });
    expect((await enumerator.post('/api/v1/flows/surveys', body)).statusCode).toBe(200);
    const other = await enumerator.post('/api/v1/flows/surveys', { ...body, groupSize: 6, girls: 2 });
    expect(other.statusCode).toBe(409);
    expect((await analyst.get(`/api/v1/flows/surveys/${body.id}`)).json()).toEqual(res.json());
    const audits = await t.db.database.db.select().from(auditLog).where(eq(auditLog.entityId, body.id));
    expect(audits.map((a) => a.action)).toEqual(['flow_survey.create']);
  });

  it('names the field of every validation problem', async () => {
    const iranDocs = await enumerator.post('/api/v1/flows/surveys', survey({ documents: ['amayesh', 'tazkira'] }));
    expect(iranDocs.statusCode).toBe(400);
    expect(fieldsOf(iranDocs.json())).toEqual(['body.documents.0']);
    const pakDocsFromIran = await enumerator.post('/api/v1/flows/surveys', survey({ originCountry: 'IRN', originPcode: null, documents: ['por'] }));
    expect(fieldsOf(pakDocsFromIran.json())).toEqual(['body.documents.0']);
    const none = await enumerator.post('/api/v1/flows/surveys', survey({ documents: ['none', 'passport'] }));
    expect(fieldsOf(none.json())).toEqual(['body.documents']);
    const group = await enumerator.post('/api/v1/flows/surveys', survey({ groupSize: 4 }));
    expect(fieldsOf(group.json())).toEqual(['body.men']);
    const places = await enumerator.post('/api/v1/flows/surveys', survey({ originPcode: 'PK5', destinationAdm1: 'AF27', destinationAdm2: 'AF0601' }));
    expect(fieldsOf(places.json())).toEqual(['body.destinationAdm2', 'body.originPcode']);
    const badDestination = await enumerator.post('/api/v1/flows/surveys', survey({ destinationAdm1: 'AF99', destinationAdm2: null }));
    expect(fieldsOf(badDestination.json())).toEqual(['body.destinationAdm1']);
    const consent = await enumerator.post('/api/v1/flows/surveys', survey({ consent: false }));
    expect(fieldsOf(consent.json())).toEqual(['body.consent']);
    const future = await enumerator.post('/api/v1/flows/surveys', survey({ date: '2099-01-01' }));
    expect(fieldsOf(future.json())).toEqual(['body.date']);
    const unknownReason = await enumerator.post('/api/v1/flows/surveys', survey({ reasons: ['tourism'] }));
    expect(fieldsOf(unknownReason.json())).toEqual(['body.reasons.0']);
    expect((await analyst.get('/api/v1/flows/surveys?operation=AFG&limit=1000')).json().total).toBe(1);
  });

  it('an enumerator surveys only at her crossings; lists and summary follow the same scope', async () => {
    expect((await enumerator.post('/api/v1/flows/surveys', survey({ siteId: site['BCP-SPIN-BOLDAK'] }))).statusCode).toBe(201);
    expect((await enumerator.post('/api/v1/flows/surveys', survey({ siteId: site['BCP-ISLAM-QALA'], originCountry: 'IRN', originPcode: null, documents: ['amayesh'] }))).statusCode).toBe(404);
    const iq = await admin.post('/api/v1/flows/surveys', survey({ siteId: site['BCP-ISLAM-QALA'], originCountry: 'IRN', originPcode: null, documents: ['amayesh'] }));
    expect(iq.statusCode, iq.body).toBe(201);
    expect((await enumerator.get(`/api/v1/flows/surveys/${iq.json().id}`)).statusCode).toBe(404);
    const mine = (await enumerator.get('/api/v1/flows/surveys?operation=AFG')).json();
    expect(new Set(mine.items.map((s: { siteCode: string }) => s.siteCode))).toEqual(new Set(['BCP-TORKHAM', 'BCP-SPIN-BOLDAK']));
    expect((await analyst.get('/api/v1/flows/surveys?operation=AFG&originCountry=IRN')).json().total).toBe(1);
    const period = 'operation=AFG&from=2024-05-01&to=2024-05-31';
    expect((await analyst.get(`/api/v1/flows/summary?${period}`)).json().surveys).toBe(3);
    expect((await enumerator.get(`/api/v1/flows/summary?${period}`)).json().surveys).toBe(2);
    // Paging with a cursor visits every survey once.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await analyst.get(`/api/v1/flows/surveys?operation=AFG&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(3);
  });
});
