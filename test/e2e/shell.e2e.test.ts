import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/** Every string of a translation file, flattened. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('the web shell in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-shell-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  it('logs in as admin through the login page and shows the shell', async () => {
    await page.goto(server.url, { waitUntil: 'domcontentloaded' });
    await page.waitForURL(/\/login/, { timeout: 30_000 });
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.locator('nav').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="language-menu"]').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.documentElement.dir || 'ltr')).toBe('ltr');
  });

  it('switches to Dari: right-to-left, lang fa, Dari text on screen', async () => {
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator('[data-testid="lang-fa-AF"]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 10_000 });
    const { dir, lang } = await page.evaluate(() => ({ dir: document.documentElement.dir, lang: document.documentElement.lang }));
    expect(dir).toBe('rtl');
    expect(lang.startsWith('fa')).toBe(true);

    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'i18n', 'fa-AF.json'), 'utf8'));
    const candidates = strings(dari).filter((s) => /[\u0600-\u06FF]/.test(s) && !s.includes('{{') && s.length >= 3);
    const visible = await page.locator('body').innerText();
    const shown = candidates.filter((s) => visible.includes(s));
    expect(shown.length, 'no Dari string of fa-AF.json is visible on the page').toBeGreaterThan(2);
    await page.screenshot({ path: screenshotPath('shell-fa-AF.png'), fullPage: true });
  });

  it('opens the places page of Afghanistan', async () => {
    await page.goto(`${server.url}op/AFG/places`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="area-search"], [data-testid^="area-AF"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl'); // the choice of language persists
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.screenshot({ path: screenshotPath('places-fa-AF.png'), fullPage: true });
  });

  it('raised no errors in the browser console along the way', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
