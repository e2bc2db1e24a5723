import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
const server = await serve('dist', 0, '/netsplit/');
const port = server.address().port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`http://127.0.0.1:${port}/netsplit/#/lesson/lamport-clocks`);
await page.waitForTimeout(3000);
const info = await page.evaluate(() => {
  const w = document.querySelector('.prose [data-testid=cluster-widget]');
  const nodes = [...w.querySelectorAll('[data-testid^=node-]')].map((n) => `${n.dataset.testid}:${n.getAttribute('tabindex')}`);
  const all = [...document.querySelectorAll('[tabindex], a, button, input, select, textarea')].filter((e) => e.tabIndex >= 0).length;
  return { scenario: w.dataset.scenario, busy: w.getAttribute('aria-busy'), nodes, all, text: w.textContent.slice(0, 200) };
});
console.log(info);
await browser.close(); server.close();
