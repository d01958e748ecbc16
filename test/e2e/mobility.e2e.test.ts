import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

// One server with the demo data: an analyst opens a baseline round, enters a district row from the
// keyboard, submits the round, reads it in Dari, and opens the demo's published round 15 map.
describe('mobility tracking in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'en'));
    await page.reload();
    await page.locator('input[name="username"]').fill('analyst');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-mobility-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  it('opens a baseline round, enters a district row from the keyboard, corrects it and submits the round', async () => {
    await page.goto(`${server.url}op/AFG/mobility`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="round-open"]').click();
    await page.locator('[data-testid="round-name"]').fill('Baseline round, browser test');
    await page.locator('[data-testid="round-name"]').press('Enter');
    await page.locator('[data-testid="baseline-form"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="baseline-district"]').fill('Jalala');
    await page.getByRole('option', { name: /Jalalabad/ }).click();
    for (const [field, value] of [['idps.ind', '700'], ['idps.hh', '100'], ['returnees.ind', '1400'], ['returnees.hh', '200']])
      await page.locator(`[data-testid="figures.${field}"]`).fill(value);
    await page.locator('[data-testid="figures.returnees.hh"]').press('Enter');
    await page.locator('[data-testid="assessment-saved"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="assessments-table"]').getByText('AF0601').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="round-totals"]').innerText()).toContain('1,400');
    // A correction makes version 2.
    await page.locator('[data-testid="edit-AF0601"]').click();
    await page.locator('.mantine-Modal-body [data-testid="figures.returnees.ind"]').fill('1500');
    await page.locator('.mantine-Modal-body [data-testid="figures.returnees.hh"]').press('Enter');
    await page.locator('[data-testid="assessments-table"] tr', { hasText: 'AF0601' }).getByText('1,500').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="round-submit"]').click();
    await page.locator('[data-testid="round-status"]').getByText('Submitted').waitFor({ timeout: 30_000 });
  });

  it('reads the round in Dari, right to left', async () => {
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator('[data-testid="lang-fa-AF"]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 10_000 });
    await page.locator('[data-testid="round-status"]').getByText('ارسال شده').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="assessments-table"]').getByText('جلال آباد').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('mobility-round-fa-AF.png'), fullPage: true });
  });

  it('shows the published demo baseline on the district map', async () => {
    await page.goto(`${server.url}op/AFG/mobility`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="rounds-table"] a').filter({ hasText: 'round 15' }).click();
    await page.locator('[data-testid="district-map"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="round-totals"]').innerText()).toMatch(/۴۰۱|401/);
    await page.screenshot({ path: screenshotPath('mobility-baseline-map-fa-AF.png'), fullPage: true });
  });

  it('raised no errors in the browser console', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
