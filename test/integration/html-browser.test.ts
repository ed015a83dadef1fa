// Opens a rendered report.html in real Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download) from file://, as someone opening a CI artefact would:
// no console or page errors, no network requests, every chart drawn with data, tooltips work.
// Saves reports/screenshots/report.png for a human to look at.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reports/html/render-html.js';
import type { Report } from '../../src/reports/report-types.js';
import { sampleReport } from '../helpers/sample-report.js';

/** Debian's chromium (CI installs it); FLEETSTORM_CHROMIUM_PATH points elsewhere (e.g. on macOS). */
const CHROMIUM = process.env['FLEETSTORM_CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOT_DIR = resolve('reports/screenshots');
const skip = process.env['FLEETSTORM_SKIP_BROWSER'] === '1';

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

describe.skipIf(skip)('report.html in Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (CI does), ` +
          'point FLEETSTORM_CHROMIUM_PATH at another Chromium, or set FLEETSTORM_SKIP_BROWSER=1 to skip the browser tests.',
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    dir = await mkdtemp(join(tmpdir(), 'fleetstorm-html-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function open(report: Report, name: string): Promise<Opened> {
    if (browser === undefined) throw new Error('browser did not start');
    const file = join(dir, `${name}.html`);
    await writeFile(file, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  async function chartFacts(
    page: Page,
  ): Promise<{ id: string; points: number; width: number; height: number }[]> {
    return page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          id: svg.getAttribute('data-chart') ?? '',
          points: Number(svg.getAttribute('data-points')),
          width: box.width,
          height: box.height,
        };
      }),
    );
  }

  it('renders the sample report with every chart drawn, no errors and no requests', async () => {
    const { page, problems, requests } = await open(sampleReport(), 'report');
    const charts = await chartFacts(page);
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const c of charts) {
      expect(c.width, `${c.id} width`).toBeGreaterThan(100);
      expect(c.height, `${c.id} height`).toBeGreaterThan(50);
      expect(c.points, `${c.id} data-points`).toBeGreaterThan(0);
    }
    const drawnShapes = await page.$$eval(
      'svg[data-chart] path.line, svg[data-chart] polygon.area, svg[data-chart] rect.lane-bar',
      (els) => els.length,
    );
    expect(drawnShapes).toBeGreaterThan(20);
    await expect(page.locator('.verdict-word').textContent()).resolves.toBe('FAILED');

    await page.locator('svg[data-chart="connect-attempts"]').hover({ position: { x: 600, y: 120 } });
    await expect(page.locator('.tip').isVisible()).resolves.toBe(true);
    await expect(page.locator('.tip').textContent()).resolves.toMatch(/t = \d/);

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
    await writeFile(join(SCREENSHOT_DIR, 'report.html'), renderHtml(sampleReport()));
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('renders an interrupted run without rollout or faults', async () => {
    const base = sampleReport();
    const half = Math.floor(base.series.timesUs.length / 2);
    const cut = <T>(values: T[]): T[] => values.slice(0, half);
    const series: Report['series'] = {
      timesUs: cut(base.series.timesUs),
      counters: Object.fromEntries(Object.entries(base.series.counters).map(([k, v]) => [k, cut(v)])),
      histograms: Object.fromEntries(Object.entries(base.series.histograms).map(([k, v]) => [k, cut(v)])),
      connStates: Object.fromEntries(Object.entries(base.series.connStates).map(([k, v]) => [k, cut(v)])),
      otaStates: {},
      onTargetRatio: [],
    };
    const report: Report = {
      ...base,
      status: 'interrupted',
      statusReason: 'SIGINT at 12h',
      verdict: 'incomplete',
      reachedUs: series.timesUs[series.timesUs.length - 1] ?? 0,
      series,
      rollout: null,
      faults: [],
      thresholds: [],
      outcomes: { total: 0, sample: [], file: null },
      warnings: [],
    };
    const { page, problems, requests } = await open(report, 'interrupted');
    const charts = await chartFacts(page);
    expect(charts.length).toBeGreaterThan(3);
    for (const c of charts) expect(c.points, c.id).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report-interrupted.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });
});
