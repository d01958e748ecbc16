import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/** An Excel-style file: one row per person with a household key; E2E-2 and E2E-3 are the same family typed twice; E2E-4 has no head. */
const households = (prefix: string) =>
  [
    'hh_id,relationship,first_name,father_name,last_name,name_ar,sex,dob,age,population_group,current_pcode,consent',
    `${prefix}-1,head,Shir Agha,Dost Mohammad,Paktiawal,شیر آغا,m,1979-06-01,,deported,AF0601,yes`,
    `${prefix}-1,wife,Gulalai,Sher Khan,Paktiawal,,f,,41,deported,AF0601,yes`,
    `${prefix}-2,head,Abdul Wahid,Abdul Qadir,Hotak,,m,1966-01-15,,spontaneous,AF0601,yes`,
    `${prefix}-3,head,Abdulwahid,Abdulqadir,Hotak,,m,1966-01-15,,spontaneous,AF0601,yes`,
    `${prefix}-4,son,Nabi,Wahid,Hotak,,m,,12,spontaneous,AF0601,yes`,
  ].join('\n') + '\n';

const read = (module: string, lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', module, 'i18n', `${lang}.json`), 'utf8'));

/** The registration officer imports a household file through the wizard (English, then Dari) and links the registry with a partner. */
describe('household import and linkage in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    [server, browser] = await Promise.all([startServer({ timeoutMs: 480_000 }), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'en'));
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]').fill('registrar');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  }, 600_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-people-import-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  async function importFile(kindLabel: string, prefix: string, shot: string, lang: 'en' | 'fa-AF' = 'en') {
    await page.goto(`${server.url}op/AFG/imports`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="import-kind"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="import-kind"]').click();
    await page.getByRole('option', { name: kindLabel, exact: true }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: `households-${prefix}.csv`, mimeType: 'text/csv', buffer: Buffer.from(households(prefix)) });
    await page.locator('[data-testid="import-upload"]').click();
    await page.locator('[data-testid="mapping-table"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('[data-testid="map-householdKey"]').inputValue()).toBe('hh_id');
    expect(await page.locator('[data-testid="map-givenNameAr"]').inputValue()).toBe('name_ar');
    await page.locator('[data-testid="import-validate"]').click();
    await page.locator('[data-testid="import-status"][data-status="validated"]').waitFor({ timeout: 90_000 });
    // E2E-4 has no head: an error on its row; E2E-3 looks like E2E-2: a warning naming row 4.
    const errors = await page.locator('[data-testid="issues-table"] tr[data-severity="error"]').allInnerTexts();
    expect(errors.join('\n')).toMatch(/\b6\b|۶/);
    const warnings = await page.locator('[data-testid="issues-table"] tr[data-severity="warning"]').allInnerTexts();
    if (lang === 'en') {
      expect(errors.join('\n')).toContain('One member must be the head of household.');
      expect(warnings.join('\n')).toContain('may be the same person as row 4');
    } else {
      // The report reads in Dari: each problem's code rendered with its parameters.
      const issues = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'i18n', 'issues', 'fa-AF.json'), 'utf8')) as Record<string, string>;
      expect(errors.join('\n')).toContain(issues['people.headMissing']);
      expect(warnings.join('\n')).toMatch(/همان شخص سطر (4|۴)/);
      expect([...errors, ...warnings].join('\n')).not.toMatch(/must be the head|same person as/);
    }
    expect(await page.locator('[data-testid="summary-invalid"]').innerText()).toMatch(/^(1|۱)$/);
    await page.screenshot({ path: screenshotPath(`${shot}-report.png`), fullPage: true });
    await page.locator('[data-testid="mode-valid"]').click();
    await page.locator('[data-testid="import-commit"]').click();
    await page.locator('[data-testid="import-status"][data-status="committed"]').waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid="summary-inserted"]').innerText()).toMatch(/^(3|۳)$/);
    await page.screenshot({ path: screenshotPath(`${shot}-result.png`), fullPage: true });
  }

  it('imports a household file through the wizard in English: mapping, report with errors and duplicate warnings, valid households only', async () => {
    await importFile('Households and members', 'E2E', 'people-import-en');
    const found = await page.evaluate(async () => (await fetch('/api/v1/people/search?operation=AFG&q=Paktiawal', { credentials: 'same-origin' })).json());
    expect(found.items.length).toBeGreaterThanOrEqual(2);
  });

  it('imports another file in Dari, right to left', async () => {
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'fa-AF'));
    const dari = read('imports', 'fa-AF');
    await importFile(dari.kinds.people_households, 'DARI', 'people-import-fa-AF', 'fa-AF');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.locator('body').innerText()).toContain(dari.warning);
  });

  it('links the registry with a partner from the linkage page: export with a typed secret, match, confirm a link (Dari)', async () => {
    const secret = 'e2e-exchange-secret-2025-11';
    const dari = read('linkage', 'fa-AF');
    await page.goto(`${server.url}op/AFG/linkage`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="export-secret"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('body').innerText()).toContain(dari.export.title);
    await page.locator('[data-testid="export-secret"]').fill(secret);
    await page.locator('[data-testid="export-start"]').click();
    await page.locator('[data-testid="export-status"][data-status="ready"]').first().waitFor({ timeout: 120_000 });
    // The secret is in no URL the page asked for.
    const href = await page.locator('[data-testid="export-download"]').first().getAttribute('href');
    expect(href).not.toContain(secret);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-download"]').first().click()]);
    const file = fs.readFileSync((await download.path())!, 'utf8');
    expect(file.split('\n')[0]).toBe('id,clk');
    // A partner file: a few of the encoded records as if the partner had sent them.
    const partner = file.trim().split('\n').slice(0, 6).join('\n') + '\n';
    await page.locator('[data-testid="match-partner"]').fill('Partner NGO');
    await page.locator('input[type="file"]').setInputFiles({ name: 'partner.csv', mimeType: 'text/csv', buffer: Buffer.from(partner) });
    await page.locator('[data-testid="match-secret"]').fill(secret);
    await page.locator('[data-testid="match-start"]').click();
    await page.locator('[data-testid="match-status"][data-status="ready"]').first().waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="match-review"]').first().click();
    await page.locator('[data-testid="link-row"]').first().waitFor({ timeout: 30_000 });
    const rows = await page.locator('[data-testid="link-row"]').count();
    expect(rows).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-testid="link-row"]').first().innerText()).toMatch(/AFG-HH-\d{6}/);
    await page.locator('[data-testid="link-confirm"]').first().click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="link-row"]').length > 0, undefined, { timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('linkage-fa-AF.png'), fullPage: true });
    const links = await page.evaluate(async () => {
      const m = await (await fetch('/api/v1/linkage/matches?operation=AFG', { credentials: 'same-origin' })).json();
      return (await fetch(`/api/v1/linkage/matches/${m.items[0].id}/links?status=confirmed`, { credentials: 'same-origin' })).json();
    });
    expect(links.total).toBe(1);
  });

  it('shows the linkage page in English too', async () => {
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'en'));
    await page.goto(`${server.url}op/AFG/linkage`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="export-secret"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => document.documentElement.dir !== 'rtl', undefined, { timeout: 10_000 });
    expect(await page.locator('body').innerText()).toContain(read('linkage', 'en').match.title);
    await page.screenshot({ path: screenshotPath('linkage-en.png'), fullPage: true });
  });

  it('raised no errors in the browser console along the way', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
