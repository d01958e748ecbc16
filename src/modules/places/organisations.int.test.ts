import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { auditLog } from '../access/schema';

interface Org {
  id: string;
  acronym: string;
  name: string;
  type: string;
  operationIds: string[];
}

describe.each(BACKENDS)('organisations on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  const acronyms = async (who: Agent, query = '') => (await who.get(`/api/v1/organisations?${query}`)).json().items.map((o: Org) => o.acronym);

  it('lists the demo organisations, filtered by type, text and operation', async () => {
    expect(await acronyms(admin)).toEqual(['GSA', 'HRA', 'IOM', 'KSN']);
    expect(await acronyms(admin, 'type=national_ngo')).toEqual(['HRA', 'KSN']);
    expect(await acronyms(admin, 'q=shelter')).toEqual(['GSA', 'KSN']);
    expect(await acronyms(admin, 'q=iom')).toEqual(['IOM']);
    expect(await acronyms(admin, 'operation=IRN')).toEqual(['IOM']);
    expect((await admin.get('/api/v1/organisations?type=club')).statusCode).toBe(400);
    const iom = (await admin.get('/api/v1/organisations?q=IOM')).json().items[0];
    expect(iom).toMatchObject({ acronym: 'IOM', type: 'un_agency', operationIds: ['AFG', 'IRN', 'PAK'] });
  });

  it('shows only organisations working in the user\'s operations', async () => {
    const registrar = await t.as('registrar'); // AFG only
    expect(await acronyms(registrar)).toEqual(['GSA', 'IOM', 'KSN']);
    const hra = (await admin.get('/api/v1/organisations?q=HRA')).json().items[0];
    expect((await registrar.get(`/api/v1/organisations/${hra.id}`)).statusCode).toBe(404);
    expect((await registrar.get('/api/v1/organisations?operation=PAK')).statusCode).toBe(404);
    const partner = await t.as('partner'); // PAK only
    expect(await acronyms(partner)).toEqual(['GSA', 'HRA', 'IOM', 'KSN']);
    expect((await partner.get(`/api/v1/organisations/${hra.id}`)).json()).toEqual(hra);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Org[]; total: number; nextCursor: string | null } = (await admin.get(`/api/v1/organisations?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((o) => o.acronym));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(await acronyms(admin));
  });

  it('creates and changes organisations, audited, with clear errors', async () => {
    const created = await admin.post('/api/v1/organisations', { acronym: 'DRC', name: 'Danish Refugee Council', type: 'international_ngo', operationIds: ['pak', 'AFG', 'AFG'] });
    expect(created.statusCode, created.body).toBe(201);
    const drc = created.json();
    expect(drc).toMatchObject({ acronym: 'DRC', operationIds: ['AFG', 'PAK'] });
    expect((await admin.get(`/api/v1/organisations/${drc.id}`)).json()).toEqual(drc);

    const dup = await admin.post('/api/v1/organisations', { acronym: 'drc', name: 'Another', type: 'other' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'CONFLICT', fields: [{ path: 'body.acronym' }] });

    const bad = await admin.post('/api/v1/organisations', { acronym: 'NRC', name: 'Norwegian Refugee Council', type: 'ngo', operationIds: ['AFG'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['body.type']);
    const badOp = await admin.post('/api/v1/organisations', { acronym: 'NRC', name: 'Norwegian Refugee Council', type: 'international_ngo', operationIds: ['AFG', 'XYZ'] });
    expect(badOp.statusCode).toBe(400);
    expect(badOp.json().error.fields).toEqual([{ path: 'body.operationIds.1', code: 'place.noOperation', params: { operationId: 'XYZ' }, message: 'No operation XYZ.' }]);

    const patched = await admin.patch(`/api/v1/organisations/${drc.id}`, { name: 'Danish Refugee Council (DRC)', operationIds: ['AFG'] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Danish Refugee Council (DRC)', operationIds: ['AFG'] });
    const clash = await admin.patch(`/api/v1/organisations/${drc.id}`, { acronym: 'IOM' });
    expect(clash.statusCode).toBe(409);
    expect((await admin.patch('/api/v1/organisations/0190f3c2-0000-7000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);

    const rows = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'organisation'), eq(auditLog.entityId, drc.id)));
    expect(rows.map((r) => r.action).sort()).toEqual(['organisation.create', 'organisation.update']);
    expect(rows.find((r) => r.action === 'organisation.update')!.changes).toMatchObject({ operationIds: { before: ['AFG', 'PAK'], after: ['AFG'] } });

    // Only admins manage organisations.
    const viewer = await t.as('viewer');
    expect((await viewer.post('/api/v1/organisations', { acronym: 'V', name: 'V', type: 'other' })).statusCode).toBe(403);
    expect((await viewer.patch(`/api/v1/organisations/${drc.id}`, { name: 'V' })).statusCode).toBe(403);
  });
});
