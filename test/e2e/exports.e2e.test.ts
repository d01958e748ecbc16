import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ensureWebApp, launchChromium, ROOT, screenshotPath } from './browser';
import { cellValue, sheetCells } from '../../src/exports';
import { parseCsv } from '../../src/shared/csv';

// The ExportMenu on the counts page downloads streamed files from the real server: the analyst
// gets the filtered week of the demo series as XLSX and CSV, header row then HXL row, and the menu
// speaks Dari.
describe('exports in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const from = '2024-04-01';
  const to = '2024-04-07';

  beforeAll(async () => {
    await ensureWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', acceptDownloads: true });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-exports-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  /** Opens the export menu and clicks one format; returns the download's name and bytes. */
  async function download(format: 'csv' | 'xlsx'): Promise<{ name: string; bytes: Buffer }> {
    await page.locator('[data-testid="counts-export"]').click();
    const item = page.locator(`[data-testid="counts-export-${format}"]`);
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), item.click()]);
    const file = await dl.path();
    return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
  }

  it('the analyst downloads the filtered counts as XLSX and CSV: same rows, header then HXL row', async () => {
    await page.goto(`${server.url}login`, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]').fill('analyst');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.goto(`${server.url}op/AFG/flows/?from=${from}&to=${to}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="counts-export"]').waitFor({ state: 'visible', timeout: 30_000 });

    const xlsx = await download('xlsx');
    expect(xlsx.name).toBe(`hamrah-flows-counts-AFG-${from}_${to}.xlsx`);
    const cells = sheetCells(strFromU8(unzipSync(new Uint8Array(xlsx.bytes))['xl/worksheets/sheet1.xml']));
    expect(cells[0].slice(0, 3).map(cellValue)).toEqual(['date', 'site_name', 'site_code']);
    expect(cells[1].slice(0, 3).map(cellValue)).toEqual(['#date+reported', '#loc+name', '#loc+code']);
    expect(cells.length).toBeGreaterThan(10);

    const csv = await download('csv');
    expect(csv.name).toBe(`hamrah-flows-counts-AFG-${from}_${to}.csv`);
    const rows = parseCsv(csv.bytes.toString('utf8')).filter((r) => r.length > 1);
    expect(rows[1][0]).toBe('#date+reported');
    expect(rows).toHaveLength(cells.length);
    const dates = new Set(rows.slice(2).map((r) => r[0]));
    expect([...dates].every((d) => d >= from && d <= to)).toBe(true);
    expect(dates.size).toBe(7);
  });

  it('the menu speaks Dari', async () => {
    await page.locator('[data-testid="language-menu"]').click();
    await page.locator('[data-testid="lang-fa-AF"]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl', undefined, { timeout: 10_000 });
    const dari = JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'modules', 'exports', 'i18n', 'fa-AF.json'), 'utf8'));
    await page.locator('[data-testid="counts-export"]').click();
    await expect.poll(() => page.locator('[data-testid="counts-export"]').innerText()).toBe(dari.button);
    await expect.poll(() => page.locator('[data-testid="counts-export-xlsx"]').innerText()).toBe(dari.format.xlsx);
    await page.screenshot({ path: screenshotPath('exports-menu-fa-AF.png') });
  });
});
