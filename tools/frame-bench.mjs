// Frame times of a playing cluster in the built site (dist/), in headless Chromium: the
// playground with N nodes (default 9) at 1x for 4 s, with the space-time diagram shown or not,
// sampled with requestAnimationFrame. Prints the median and the longest frame.
// Usage: node tools/frame-bench.mjs [nodes] [protocol]
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { frameFigures, sampleFrames } from './frames.mjs';

const nodes = process.argv[2] ?? '9';
const protocol = process.argv[3];
const server = await serve(process.env.DIST ?? 'dist', 0, '/');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  for (const diagram of [false, true]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}#/playground`);
    await page.locator('[data-testid=cluster-widget]').waitFor({ timeout: 20000 });
    if (protocol) await page.locator('[data-testid=protocol]').selectOption(protocol);
    await page.locator('[data-testid=nodes]').fill(nodes);
    await page.locator('[data-testid=nodes]').dispatchEvent('change');
    const w = page.locator('[data-testid=cluster-widget]');
    if (diagram) await w.locator('[data-testid=toggle-spacetime]').click();
    await w.locator('select[aria-label="Playback speed"]').selectOption({ label: '1×' });
    await w.locator('[data-testid=play]').click();
    await page.waitForTimeout(1000);
    const frames = await sampleFrames(page, 4000);
    const { median, longest } = frameFigures(frames);
    const steps = /step (\d+) of/.exec(await w.locator('.timeline span').textContent())?.[1];
    console.log(`frames: ${nodes} nodes, diagram ${diagram ? 'shown' : 'hidden'}: median ${median.toFixed(1)} ms, longest ${longest.toFixed(1)} ms over ${frames.length} frames (step ${steps})`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
