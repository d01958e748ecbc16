import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/**
 * The registration officer's job in a real browser: register a household with the keyboard (one
 * name typed in Arabic script), see the inline warning for a planted demo duplicate, find the new
 * household again by another spelling, open it, and read it in Dari.
 */
/**
 * The demo plants "Muhammad Yousuf / Abdul Ghafoor / Shinwari", born 1982, registered in Peshawar
 * and again in Jalalabad (src/modules/people/demo.ts). The officer types yet another spelling.
 */
const PLANTED = { given: 'Mohammad Yusuf', father: 'Abdul Ghafoor', family: 'Shinwari', year: '1982' };
const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
const EARLIER = {
  id: '01934f6e-5d00-7000-8000-00000000e2e1',
  operationId: 'AFG',
  populationGroup: 'returnee_deported',
  currentPcode: 'AF0601',
  crossingDate: monthAgo,
  members: [
    { id: '01934f6e-5d00-7000-8000-00000000e2e2', relationship: 'head', sex: 'male', givenName: 'Muhammad Yousaf', fatherName: 'Abdulghafoor', familyName: 'Shinwari', givenNameAr: 'محمد یوسف', familyNameAr: 'شینواری', birth: { precision: 'year', value: '1982' } },
  ],
  consents: [{ id: '01934f6e-5d00-7000-8000-00000000e2e3', purpose: 'registration', givenOn: monthAgo }],
};
/** How the search box spells the new household's head: another common variant of the given name. */
const VARIANT = 'Muhammad Yusuf';

describe('people registry in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let reference = '';

  beforeAll(async () => {
    await ensureWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-people-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  it('logs in as the registration officer', async () => {
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]').fill('registrar');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.locator('[data-testid="nav-people"]').waitFor({ state: 'visible', timeout: 30_000 });
    // The registrar's profile says Dari: register in English first, Dari comes at the end.
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator('[data-testid="lang-en"]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'ltr', undefined, { timeout: 10_000 });
  });

  it('has the earlier registration of the same man on record', async () => {
    // The demo registry plants him (src/modules/people/demo.ts); `serve --demo` may not load that
    // registry, so the test records the earlier registration (crossed a month ago) through the API.
    const status = await page.evaluate(async (body) => {
      const me = await (await fetch('/api/v1/me')).json();
      const res = await fetch('/api/v1/people/households', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify(body),
      });
      return res.status;
    }, EARLIER);
    expect([200, 201]).toContain(status);
  });

  it('registers a household from the keyboard and is warned of a possible existing record', async () => {
    await page.goto(`${server.url}op/AFG/people/register`, { waitUntil: 'domcontentloaded' });
    const form = page.locator('[data-testid="register-form"]');
    await form.waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="population-group"]').selectOption('returnee_deported');

    // The head: a variant spelling of a person the demo registered before.
    await page.locator('[data-testid="givenName-0"]').fill(PLANTED.given);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fatherName-0');
    await page.keyboard.type(PLANTED.father);
    await page.keyboard.press('Enter');
    await page.keyboard.type(PLANTED.family);
    await page.locator('[data-testid="sex-0"]').selectOption('male');
    await page.locator('select[data-col="dobMode"][data-row="0"]').selectOption('year');
    await page.locator('[data-testid="dob-0"]').fill(PLANTED.year);

    const warning = page.locator('[data-testid="dup-warning-0"]');
    await warning.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await warning.locator('[data-testid="dup-reference"]').first().innerText()).toMatch(/-HH-\d+/);
    await page.screenshot({ path: screenshotPath('people-register-duplicate.png'), fullPage: true });
    await page.locator('[data-testid="dup-continue-0"]').click();
    await page.locator('[data-testid="dup-flagged-0"]').waitFor({ state: 'visible' });

    // Ctrl+Enter adds a member row and puts the cursor in it; the spouse's name is typed in Arabic script.
    await page.locator('[data-testid="familyName-0"]').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'givenName-1');
    await page.locator('[data-testid="givenNameAr-1"]').fill('فاطمه');
    await page.locator('[data-testid="familyNameAr-1"]').fill('احمدزی');
    await page.locator('[data-testid="sex-1"]').selectOption('female');
    await page.locator('[data-testid="relationship-1"]').selectOption('spouse');

    await page.locator('[data-testid="consent-given"]').check();
    await page.locator('[data-testid="givenNameAr-1"]').focus();
    await page.keyboard.press('Control+s');
    const saved = page.locator('[data-testid="saved-reference"]');
    await saved.waitFor({ state: 'visible', timeout: 30_000 });
    reference = (await saved.innerText()).trim();
    expect(reference).toMatch(/^AFG-HH-\d+$/);
    await page.locator('[data-testid="qr-code"] svg').first().waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('people-registered.png'), fullPage: true });
  });

  it('finds the household by another spelling and opens it', async () => {
    await page.goto(`${server.url}op/AFG/people`, { waitUntil: 'domcontentloaded' });
    const box = page.locator('[data-testid="people-search"]');
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    await box.fill(`${VARIANT} ${PLANTED.family}`);
    const hit = page.locator('[data-testid="search-hit"]', { hasText: reference });
    await hit.first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('people-search.png'), fullPage: true });
    await hit.first().click();
    await page.locator('[data-testid="household-reference"]', { hasText: reference }).waitFor({ state: 'visible', timeout: 30_000 });
    const members = await page.locator('[data-testid="members-table"]').innerText();
    expect(members).toContain('فاطمه');
    expect(members).toContain(PLANTED.given);
    await page.locator('[data-testid="timeline"]').waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('shows the household page in Dari, right to left', async () => {
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator('[data-testid="lang-fa-AF"]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 10_000 });
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'people', 'i18n', 'fa-AF.json'), 'utf8'));
    const visible = await page.locator('body').innerText();
    expect(visible).toContain(dari.household.members);
    expect(visible).toContain(dari.fields.consent);
    expect(visible).toContain(reference);
    await page.screenshot({ path: screenshotPath('people-household-fa-AF.png'), fullPage: true });
  });

  it('raised no errors in the browser console along the way', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
