import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/** The analyst's flow dashboard and weekly snapshot on the demo series (Q2 2024), in English and in Dari. */
describe('flow dashboards in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    // The demo seed (flows with dashboard rollups, mobility, people) takes a while on a busy machine.
    [server, browser] = await Promise.all([startServer({ timeoutMs: 600_000 }), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 660_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-dashboards-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  const charts = ['chart-series', 'chart-reasons', 'chart-pyramid', 'chart-documents', 'chart-map-adm2'];
  const drawn = async (testId: string) => {
    await page.locator(`[data-testid="${testId}"] canvas, [data-testid="${testId}"] svg`).first().waitFor({ state: 'attached', timeout: 30_000 });
  };

  it('shows Q2 2024 in English: the published inflow figure and every chart', async () => {
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'en'));
    await page.locator('input[name="username"]').fill('analyst');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.goto(`${server.url}op/AFG/flows/dashboard?from=2024-04-01&to=2024-06-30&granularity=week`, { waitUntil: 'domcontentloaded' });
    const inflow = page.locator('[data-testid="headline-inflow"]');
    await inflow.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await inflow.innerText()).toContain('858,170');
    expect(await page.locator('[data-testid="headline-outflow"]').innerText()).toContain('532,854');
    for (const c of charts) await drawn(c);
    expect(await page.locator('[data-testid="top-destinations"] tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('dashboard-en.png'), fullPage: true });
  });

  it('switches to Dari: right-to-left, Dari labels, the same charts', async () => {
    await page.evaluate(() => localStorage.setItem('hamrah.language', 'fa-AF'));
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 15_000 });
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'dashboards', 'i18n', 'fa-AF.json'), 'utf8'));
    await page.getByText(dari.title).first().waitFor({ state: 'visible', timeout: 30_000 });
    for (const c of charts) await drawn(c);
    expect(await page.locator('[data-testid="headline-inflow"]').innerText()).toContain('۸۵۸');
    await page.screenshot({ path: screenshotPath('dashboard-fa-AF.png'), fullPage: true });
  });

  it('prints the weekly snapshot with the Solar Hijri date beside the Gregorian one', async () => {
    await page.goto(`${server.url}op/AFG/flows/snapshot?week=2024-W20`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="snapshot-inflow"]').waitFor({ state: 'visible', timeout: 60_000 });
    await drawn('snapshot-series');
    const dates = await page.locator('[data-testid="snapshot-dates"]').innerText();
    expect(dates).toMatch(/۱۴۰۳/); // 13–19 May 2024 is in 1403 of the Solar Hijri calendar
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').first().isVisible().catch(() => false)).toBe(false);
    await page.screenshot({ path: screenshotPath('snapshot-fa-AF-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('raised no errors in the browser console', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
