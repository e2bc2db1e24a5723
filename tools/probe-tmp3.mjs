import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
const server = await serve('dist', 0, '/netsplit/');
const port = server.address().port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await p.goto(`http://127.0.0.1:${port}/netsplit/`);
await p.locator('[data-testid=course-map]').waitFor({ timeout: 20000 });
for (let i = 0; i < 100; i++) { await p.keyboard.press('Tab'); if (await p.evaluate(() => document.activeElement.tagName === 'A' && !!document.activeElement.closest('[data-lesson=lamport-clocks]'))) break; }
await p.keyboard.press('Enter');
await p.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 10000 });
const seen = [await p.evaluate(() => document.activeElement.tagName + ':' + document.activeElement.textContent.slice(0,30))];
await p.waitForTimeout(1500);
seen.push(await p.evaluate(() => document.activeElement.tagName + ':' + (document.activeElement.dataset.testid)));
for (let i = 0; i < 12; i++) { await p.keyboard.press('Tab'); seen.push(await p.evaluate(() => (document.activeElement?.dataset.testid ?? document.activeElement?.tagName) + (document.activeElement.closest('[data-testid=cluster-widget]') ? '@w' : ''))); }
console.log(seen.join(' '));
await browser.close(); server.close();
