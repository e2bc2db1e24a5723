// Prints axe-core's violations for every route of the built site (dist/), in light and dark mode,
// as each page loads and after crashing a node and playing its first cluster widget.
// Usage: [WIDTH=390] node tools/axe-audit.mjs [route-substring]
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { auditRoute, describe, duplicateIds, ROUTES } from './axe.mjs';

const only = process.argv[2];
const width = Number(process.env.WIDTH ?? 1280);
const server = await serve(process.env.DIST ?? 'dist', 0, '/');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true,
      viewport: { width, height: 900 }, hasTouch: width < 500, isMobile: width < 500 });
    const page = await context.newPage();
    for (const route of ROUTES) {
      if (only && !route.includes(only)) continue;
      const { loaded, played } = await auditRoute(page, `${base}${route}`);
      const dup = await duplicateIds(page);
      console.log(`${scheme} ${route}: ${loaded.length} rules as loaded, ${played.length} after playing${dup.length ? `, duplicate ids ${dup}` : ''}`);
      for (const line of describe(loaded)) console.log(`   loaded  ${line}`);
      for (const line of describe(played)) console.log(`   played  ${line}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
