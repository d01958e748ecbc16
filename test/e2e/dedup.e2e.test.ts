import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';

/**
 * The registration officer resolves duplicates in a real browser: runs a batch over the demo
 * registry (which plants people registered twice), opens a pair the engine calls a match, decides
 * duplicate from the keyboard, sees the two households merged, and undoes the merge; then once
 * more in Dari, right to left.
 */
describe('deduplication review in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebApp();
    // The demo (flows, mobility, people, a first deduplication run) takes a while on a busy machine.
    [server, browser] = await Promise.all([startServer({ timeoutMs: 600_000 }), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 700_000);
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-dedup-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  const language = async (code: 'en' | 'fa-AF') => {
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator(`[data-testid="lang-${code}"]`).click();
    await page.waitForFunction((dir) => document.documentElement.dir === dir, code === 'en' ? 'ltr' : 'rtl', { timeout: 10_000 });
  };

  /** Opens the best open match pair, decides duplicate with the D key, checks the merge, undoes it. */
  const mergeAndUndo = async (shot: string) => {
    await page.goto(`${server.url}op/AFG/dedup/queue?decision=match`, { waitUntil: 'domcontentloaded' });
    const row = page.locator('[data-testid="queue-row"]').first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();
    await page.locator('[data-testid="comparison"]').waitFor({ state: 'visible', timeout: 30_000 });
    // Names agree on their normalised form; the table colours every field.
    expect(await page.locator('[data-testid="comparison"] tr[data-verdict="agree"]').count()).toBeGreaterThan(2);
    await page.screenshot({ path: screenshotPath(`dedup-pair-${shot}.png`), fullPage: true });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('d');
    // The survivor's household page lists the merge; the merged household says where it went.
    const merge = page.locator('[data-testid="merge-row"]').first();
    await merge.waitFor({ state: 'visible', timeout: 30_000 });
    const survivorRef = (await page.locator('[data-testid="household-reference"]').innerText()).trim();
    await merge.locator('a').first().click();
    const mergedInto = page.locator('[data-testid="household-merged-into"]');
    await mergedInto.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await mergedInto.innerText()).toContain(survivorRef);
    await page.screenshot({ path: screenshotPath(`dedup-merged-${shot}.png`), fullPage: true });
    await page.locator('[data-testid="merge-undo"]').first().click();
    await mergedInto.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid="merge-row"]', { has: page.locator('[data-testid="merge-undo"]') }).first().waitFor({ state: 'detached', timeout: 30_000 });
  };

  it('logs in as the registration officer', async () => {
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]').fill('registrar');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.locator('[data-testid="nav-dedup"]').waitFor({ state: 'visible', timeout: 30_000 });
    await language('en');
  });

  it('runs a batch over the demo registry and follows it to the end', async () => {
    await page.locator('[data-testid="nav-dedup"]').click();
    const rows = page.locator('[data-testid="run-row"]');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    const before = await rows.count();
    await page.locator('[data-testid="dedup-start"]').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-row"]').length === n + 1, before, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="run-row"]')?.getAttribute('data-status') === 'succeeded', undefined, { timeout: 120_000 });
    expect(await rows.first().innerText()).toMatch(/\d+ match/);
    await page.screenshot({ path: screenshotPath('dedup-runs.png'), fullPage: true });
  });

  it('merges a planted duplicate into one household and undoes it', async () => {
    await mergeAndUndo('en');
  });

  it('does the same in Dari, right to left', async () => {
    await language('fa-AF');
    await mergeAndUndo('fa-AF');
    await page.goto(`${server.url}op/AFG/dedup/merges`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="merges-table"]').waitFor({ state: 'visible', timeout: 30_000 });
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'dedup', 'i18n', 'fa-AF.json'), 'utf8'));
    const visible = await page.locator('body').innerText();
    expect(visible).toContain(dari.tabs.queue);
    expect(visible).toContain(dari.merges.wasUndone);
    await page.screenshot({ path: screenshotPath('dedup-merges-fa-AF.png'), fullPage: true });
  });

  it('raised no errors in the browser console along the way', () => {
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
