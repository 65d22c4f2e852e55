// Renderer topology under load (issue #7), in Debian's Chromium via playwright-core, on the built
// renderer (out/renderer; run `npm run build` first). A bench ConsoleApi (lib/topology-page.js),
// installed as `window.floe` before the page's scripts, serves 1000 locations with 100 jobs each
// (100k jobs) to the real bridge and store, then streams 10 updates a second (published like the
// core: one versioned `location` push and one `fleet` patch per 100 ms). Anchor: a plain
// non-virtualised <table> of the same data and the same updates in the same page.
// Figures: first render (data ready in the page → first animation frame showing the topology /
// the full table), then while updates stream: long tasks (PerformanceObserver 'longtask') and
// animation-frame gaps over 50 ms. Targets: first render < 300 ms; no frame over 50 ms.
// Run: node --import tsx test/bench/renderer-topology.mjs   (or `npm run bench`)
// Prints numbers only; it never passes or fails.
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from '@playwright/test';
import { buildSync } from 'esbuild';
import { CHROMIUM_ARGS } from '../e2e/playwright.config.ts';
import { realSnapshotTemplate } from './lib/agent-farm.ts';
import { topologyPage } from './lib/topology-page.js';
import { machineLine, percentile } from './lib/measure.ts';

const LOCATIONS = Number(process.env.FLOE_BENCH_LOCATIONS ?? 1000);
const JOBS_PER_LOCATION = Number(process.env.FLOE_BENCH_JOBS_PER_LOCATION ?? 100);
const RATE = Number(process.env.FLOE_BENCH_UPDATES_PER_SECOND ?? 10);
const SECONDS = Number(process.env.FLOE_BENCH_RENDER_SECONDS ?? 10);
const SETTLE_MS = 2000;
// FLOE_BENCH_RENDERER_DIR: another build of the renderer (an A/B against a copy of out/renderer).
const ROOT = process.env.FLOE_BENCH_RENDERER_DIR ? `${process.env.FLOE_BENCH_RENDERER_DIR.replace(/\/$/, '')}/` : new URL('../../out/renderer/', import.meta.url).pathname;
const executablePath = process.env.FLOE_CHROMIUM ?? '/usr/bin/chromium';

console.log(`# Floe renderer topology benchmark — ${new Date().toISOString()}`);
console.log(`# command: node --import tsx test/bench/renderer-topology.mjs   (FLOE_BENCH_LOCATIONS=${LOCATIONS} FLOE_BENCH_JOBS_PER_LOCATION=${JOBS_PER_LOCATION} FLOE_BENCH_UPDATES_PER_SECOND=${RATE} FLOE_BENCH_RENDER_SECONDS=${SECONDS})`);
console.log(`# machine: ${machineLine()}`);
if (!existsSync(join(ROOT, 'index.html'))) {
  console.log('# SKIPPED: out/renderer/index.html is missing; run `npm run build` first');
  process.exit(0);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer((request, response) => {
  const path = normalize(join(ROOT, new URL(request.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html')));
  if (!path.startsWith(ROOT) || !existsSync(path)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

const template = await realSnapshotTemplate();
// The page publishes its pushes with the core's own diff (shared/topic-patch.ts), bundled for the browser.
const topicPatchScript = buildSync({
  entryPoints: [new URL('../../shared/topic-patch.ts', import.meta.url).pathname],
  bundle: true,
  write: false,
  format: 'iife',
  globalName: 'topicPatch',
  footer: { js: 'window.__floeTopicPatch = topicPatch;' },
  platform: 'browser',
}).outputFiles[0].text;
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
console.log(`# browser: ${executablePath} ${browser.version()}, headless, ${CHROMIUM_ARGS.join(' ')}`);
console.log('# Floe: built renderer (bridge → zustand store → virtualised topology tree + fleet overview); anchor: plain <table>, one row per location with its job figures, an update rewrites one row');

async function run(mode) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // FLOE_BENCH_PROFILE_DIR=dir: a Chrome CPU profile of the whole Floe run (build with --sourcemap to read it).
  const profiler = process.env.FLOE_BENCH_PROFILE_DIR && mode === 'floe' ? await context.newCDPSession(page) : undefined;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.start');
  }
  // The renderer process's CPU time (CDP Performance.ProcessTime): less swayed by other work on a shared machine than frame gaps.
  const metrics = await context.newCDPSession(page);
  await metrics.send('Performance.enable');
  const cpuSeconds = async () => (await metrics.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'ProcessTime')?.value ?? Number.NaN;
  await page.addInitScript({ content: topicPatchScript });
  await page.addInitScript(topologyPage, { mode, locations: LOCATIONS, jobsPerLocation: JOBS_PER_LOCATION, rate: RATE, template });
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.marks.firstRender !== undefined, undefined, { timeout: 120_000 }).catch(async (error) => {
    const seen = await page.evaluate(() => `status bar "${document.querySelector('.statusbar')?.textContent ?? ''}", ${document.querySelectorAll('[role=tree] [role=treeitem]').length} tree items`).catch(() => 'page gone');
    throw new Error(`${mode}: the first render never came (${seen}; page errors: ${errors.join('; ') || 'none'})`, { cause: error });
  });
  await page.waitForTimeout(SETTLE_MS);
  const cpuBefore = await cpuSeconds();
  await page.evaluate(() => window.__bench.startStreaming());
  await page.waitForTimeout(SECONDS * 1000);
  const cpuTotal = await cpuSeconds();
  const cpuStreaming = cpuTotal - cpuBefore;
  const bench = await page.evaluate(() => {
    window.__bench.stopStreaming();
    const { marks, longTasks, frameGaps, updates, detailFetches } = window.__bench;
    return { marks, longTasks, frameGaps, updates, detailFetches };
  });
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(join(process.env.FLOE_BENCH_PROFILE_DIR, `renderer-${mode}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  }
  await context.close();
  const inStream = (at) => at >= bench.marks.streamStart && at <= bench.marks.streamEnd;
  const gaps = bench.frameGaps.filter((gap) => inStream(gap.at)).map((gap) => gap.ms);
  const longTasks = bench.longTasks.filter((task) => inStream(task.start)).map((task) => task.ms);
  return {
    firstRenderMs: bench.marks.firstRender - bench.marks.dataReady,
    dataMs: bench.marks.dataMs,
    updates: bench.updates,
    frames: gaps.length,
    framesOver50: gaps.filter((ms) => ms > 50).length,
    frameP99: percentile(gaps, 99),
    frameMax: Math.max(0, ...gaps),
    longTasks: longTasks.length,
    longTaskMax: Math.max(0, ...longTasks),
    detailFetches: bench.detailFetches ?? 0,
    detailFetchesDoneMs: bench.marks.lastDetailFetch === undefined ? Number.NaN : bench.marks.lastDetailFetch - bench.marks.dataReady,
    streamStartMs: bench.marks.streamStart - bench.marks.dataReady,
    cpuStreamingPercent: (cpuStreaming / SECONDS) * 100,
    cpuTotalMs: cpuTotal * 1000,
    errors,
  };
}

const f = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const line = (label, r) =>
  `${label.padEnd(14)} first render ${f(r.firstRenderMs).padStart(6)} ms | streaming ${r.updates} updates: frames ${r.frames}, over 50 ms ${r.framesOver50}, frame gap p99 ${f(r.frameP99, 1)} ms max ${f(r.frameMax, 1)} ms, long tasks ${r.longTasks} (max ${f(r.longTaskMax)} ms), renderer CPU ${f(r.cpuStreamingPercent)} % (${f(r.cpuTotalMs)} ms since the page opened)${r.detailFetches ? `; the bridge fetched ${r.detailFetches} details, the last at ${f(r.detailFetchesDoneMs)} ms (streaming from ${f(r.streamStartMs)} ms)` : ''}${r.errors.length ? ` — page errors: ${r.errors.slice(0, 3).join('; ')}` : ''}`;

console.log(`# data: ${LOCATIONS} locations × ${JOBS_PER_LOCATION} jobs built in the page before its scripts; first render counts from then`);
const anchor = await run('anchor');
console.log(line('plain table', anchor));
const floe = await run('floe');
console.log(line('Floe topology', floe));
console.log(`# targets: first render < 300 ms (Floe ${f(floe.firstRenderMs)} ms, ${f(floe.firstRenderMs / anchor.firstRenderMs, 2)}× the plain table); no frame over 50 ms while updates stream (Floe: ${floe.framesOver50})`);

await browser.close();
server.close();
