// Frame times of a playing cluster in the built site (dist/), in headless Chromium: the
// playground with N nodes (default 9) at 1x for 4 s, with the space-time diagram shown or not,
// sampled with requestAnimationFrame. Prints the median and the longest frame.
// With --in-flight M: heartbeats between N nodes on slow links, so that about M messages are
// on the wire at once (the cluster view's load; the diagram hidden), and the count drawn.
// Usage: node tools/frame-bench.mjs [nodes] [protocol]
//        node tools/frame-bench.mjs [nodes] --in-flight M
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { frameFigures, sampleFrames } from './frames.mjs';

const args = process.argv.slice(2);
const flightAt = args.indexOf('--in-flight');
const inFlight = flightAt >= 0 ? Number(args.splice(flightAt, 2)[1]) : null;
const nodes = args[0] ?? '9';
const protocol = inFlight ? 'heartbeat' : args[1];
// Heartbeat: every node pings every other each 50 ms, so n(n-1) messages leave per 50 ms and
// stay on the wire for the link's latency.
const HEARTBEAT_INTERVAL_MS = 50;
const latencyMs = inFlight ? Math.min(500, Math.round((inFlight * HEARTBEAT_INTERVAL_MS) / (nodes * (nodes - 1)))) : null;

const server = await serve(process.env.DIST ?? 'dist', 0, '/');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  for (const diagram of inFlight ? [false] : [false, true]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}#/playground`);
    await page.locator('[data-testid=cluster-widget] [data-testid^=node-]').first().waitFor({ timeout: 20000 });
    if (protocol) await page.locator('[data-testid=protocol]').selectOption(protocol);
    await page.locator('[data-testid=nodes]').fill(nodes);
    await page.locator('[data-testid=nodes]').dispatchEvent('change');
    const w = page.locator('[data-testid=cluster-widget]');
    await w.locator(`[data-testid=node-${Number(nodes) - 1}]`).waitFor({ timeout: 20000 });
    if (latencyMs) {
      // Max first, then min, each a released slider as a learner sets it.
      for (const id of ['latency-max', 'latency-min']) {
        await w.locator(`[data-testid=${id}]`).fill(String(latencyMs));
        await w.locator(`[data-testid=${id}] >> xpath=..`).locator('output').filter({ hasText: `${latencyMs} ms` }).waitFor({ timeout: 10000 });
      }
    }
    if (diagram) await w.locator('[data-testid=toggle-spacetime]').click();
    await w.locator('select[aria-label="Playback speed"]').selectOption({ label: '1×' });
    await w.locator('[data-testid=play]').click();
    // Long enough for the first pings to be on the wire for a whole latency.
    await page.waitForTimeout(1000 + (latencyMs ?? 0) * 2);
    const drawn = [];
    const sampling = sampleFrames(page, 4000);
    if (inFlight) {
      for (let i = 0; i < 8; i++) {
        await page.waitForTimeout(400);
        // One by one up to a hundred, beyond that as one shape per kind that says its count.
        drawn.push(await w.evaluate((el) => el.querySelectorAll('[data-testid=message]').length
          + [...el.querySelectorAll('[data-testid=message-crowd]')].reduce((a, g) => a + Number(g.dataset.count), 0)));
      }
    }
    const frames = await sampling;
    const { median, longest } = frameFigures(frames);
    const steps = /step (\d+) of/.exec(await w.locator('.timeline span').textContent())?.[1];
    const onWire = inFlight ? `, messages drawn in flight ${Math.min(...drawn)} to ${Math.max(...drawn)} (links ${latencyMs} ms)` : '';
    console.log(`frames: ${nodes} nodes${inFlight ? ' heartbeat' : ''}, diagram ${diagram ? 'shown' : 'hidden'}${onWire}: median ${median.toFixed(1)} ms, longest ${longest.toFixed(1)} ms over ${frames.length} frames (step ${steps})`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
