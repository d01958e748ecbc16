import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/** A Kobo-style survey export with one row outside the enumerator's crossings and one without consent. */
const CSV = [
  'start,g1/bcp,g1/direction,g2/respondent_sex,g2/age_band,g2/group_size,g2/men,g2/women,g2/boys,g2/girls,g3/origin_country,g3/documents,g3/intended_stay,consent,_uuid,_submission_time',
  '2024-05-02T08:00:00,BCP-TORKHAM,in,f,25-34,2,1,1,0,0,PAK,por tazkira,ge1y,yes,0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e1,2024-05-02T10:00:00',
  '2024-05-02T08:10:00,BCP-ISLAM-QALA,in,m,35-49,1,1,0,0,0,IRN,amayesh,lt1y,yes,0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e2,2024-05-02T10:05:00',
  '2024-05-02T08:20:00,Spin Boldak,out,m,18-24,3,1,1,1,0,PAK,none,ge1y,yes,0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e3,2024-05-02T10:10:00',
  '2024-05-02T08:30:00,BCP-TORKHAM,in,f,60+,1,0,1,0,0,PAK,tazkira,ge1y,no,0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e4,2024-05-02T10:15:00',
].join('\n') + '\n';

/** The Torkham enumerator imports a Kobo export of surveys: mapping, report, valid rows only; then the page in Dari. */
describe('bulk import in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    // A generous start-up time: the demo seed runs first and CI machines may be busy.
    [server, browser] = await Promise.all([startServer({ timeoutMs: 480_000 }), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 600_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-imports-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  it('uploads, maps, validates and imports the valid rows, with progress and a report by row and field', async () => {
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'en'));
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]').fill('enumerator');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });

    await page.goto(`${server.url}op/AFG/imports`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="import-kind"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="import-kind"]').click();
    await page.getByRole('option', { name: 'Flow monitoring surveys', exact: true }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'kobo-export.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.locator('[data-testid="import-upload"]').click();

    // The mapping step comes prefilled from the Kobo column names.
    await page.locator('[data-testid="mapping-table"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('[data-testid="map-site"]').inputValue()).toBe('g1/bcp');
    expect(await page.locator('[data-testid="map-id"]').inputValue()).toBe('_uuid');
    expect(await page.locator('[data-testid="map-date"]').inputValue()).toBe('_submission_time');
    await page.screenshot({ path: screenshotPath('imports-mapping-en.png'), fullPage: true });
    await page.locator('[data-testid="import-validate"]').click();

    await page.locator('[data-testid="import-status"][data-status="validated"]').waitFor({ timeout: 60_000 });
    const report = await page.locator('[data-testid="issues-table"]').innerText();
    expect(report).toContain('BCP-ISLAM-QALA');
    expect(report).toMatch(/\b3\b/); // row 3 of the file
    expect(report).toMatch(/\b5\b/); // row 5: no consent
    expect(await page.locator('[data-testid="summary-invalid"]').innerText()).toBe('2');
    expect(await page.locator('[data-testid="import-message"]').innerText()).toBe('2 of 4 rows have problems.');
    await page.locator('[data-testid="mode-valid"]').click();
    await page.locator('[data-testid="import-commit"]').click();
    await page.locator('[data-testid="import-status"][data-status="committed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="summary-inserted"]').innerText()).toBe('2');
    expect(await page.locator('[data-testid="import-message"]').innerText()).toBe('2 rows added, 2 invalid left out.');
    await page.screenshot({ path: screenshotPath('imports-result-en.png'), fullPage: true });

    const listed = await page.evaluate(async () => (await fetch('/api/v1/flows/surveys?operation=AFG&from=2024-05-02&to=2024-05-02&limit=100', { credentials: 'same-origin' })).json());
    const ids = listed.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e1', '0b5e6c2a-4f1d-4c3e-9a7b-00000000e2e3']));
  });

  it('shows the wizard in Dari, right to left', async () => {
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'fa-AF'));
    await page.goto(`${server.url}op/AFG/imports`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="import-kind"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 10_000 });
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'imports', 'i18n', 'fa-AF.json'), 'utf8'));
    const text = await page.locator('body').innerText();
    expect(text).toContain(dari.title);
    expect(text).toContain(dari.step.mapping);
    await page.screenshot({ path: screenshotPath('imports-fa-AF.png'), fullPage: true });
  });

  it('reports the problems of a file in Dari: each row names its problem by code, rendered in the reader\'s language', async () => {
    // Still in Dari: a second export with a row outside her crossings and one without consent.
    const file = [CSV.split('\n')[0], CSV.split('\n')[2]!.replace('00000000e2e2', '00000000e2f2'), CSV.split('\n')[4]!.replace('00000000e2e4', '00000000e2f4')].join('\n') + '\n';
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'imports', 'i18n', 'fa-AF.json'), 'utf8'));
    const issues = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'i18n', 'issues', 'fa-AF.json'), 'utf8')) as Record<string, string>;
    await page.locator('[data-testid="import-kind"]').click();
    await page.getByRole('option', { name: dari.kinds.flows_surveys, exact: true }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'kobo-export-2.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.locator('[data-testid="import-upload"]').click();
    await page.locator('[data-testid="mapping-table"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="import-validate"]').click();
    await page.locator('[data-testid="import-status"][data-status="validated"]').waitFor({ timeout: 60_000 });
    const report = await page.locator('[data-testid="issues-table"]').innerText();
    expect(report).toContain(issues['flows.noSurveysHere']!.replace('{{site}}', 'BCP-ISLAM-QALA'));
    expect(report).toContain(issues['flows.consentRequired']);
    expect(report).not.toContain('without consent nothing is stored');
    // The batch's status sentence too, with Dari digits.
    expect(await page.locator('[data-testid="import-message"]').innerText()).toBe(issues['batch.problems']!.replace('{{invalid}}', '۲').replace('{{rows}}', '۲'));
    await page.screenshot({ path: screenshotPath('imports-report-fa-AF.png'), fullPage: true });
    // The API keeps the English sentence beside the code for other clients.
    const batchId = await page.locator('[data-testid="import-status"]').getAttribute('data-batch');
    expect(batchId).toBeTruthy();
    const body = await page.evaluate(async (id) => (await fetch(`/api/v1/imports/${id}`, { credentials: 'same-origin' })).json(), batchId);
    expect(body).toMatchObject({ message: '2 of 2 rows have problems.', messageParts: [{ code: 'batch.problems', params: { invalid: 2, rows: 2 } }] });
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'consent', code: 'flows.consentRequired', message: 'The group must agree to the interview; without consent nothing is stored.' }),
        expect.objectContaining({ field: 'site', code: 'flows.noSurveysHere', params: { site: 'BCP-ISLAM-QALA' }, message: 'BCP-ISLAM-QALA is not a crossing point where you may enter surveys.' }),
      ]),
    );
  });

  it('raised no errors in the browser console along the way', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
