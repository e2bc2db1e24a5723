// Grades every exercise's reference in the built site (dist/), in headless Chromium, N times each,
// and prints the time from request to merged report as the page shows it ("Graded in N ms by K
// workers"): the in-browser grading figures. Usage: node tools/grade-bench.mjs [runs]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { serve } from './serve.mjs';

const runs = Number(process.argv[2] ?? 3);
const server = await serve(process.env.DIST ?? 'dist', 0, '/');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const lessons = { 'lamport-rules': 'lamport-clocks', 'vector-clocks': 'vector-clocks', 'hybrid-logical-clocks': 'hybrid-logical-clocks',
  'raft-vote': 'raft-safety', 'raft-append': 'raft-log-replication', 'raft-commit': 'raft-safety' };
try {
  const page = await browser.newPage();
  for (const [id, lesson] of Object.entries(lessons)) {
    await page.goto(`${base}#/lesson/${lesson}`);
    const ex = page.locator(`[data-testid=exercise][data-exercise=${id}]`);
    await ex.waitFor({ timeout: 20000 });
    await page.waitForFunction((id) => document.querySelector(`[data-exercise=${id}] [data-testid=run]`)?.textContent === 'Run tests', id, { timeout: 30000 });
    await ex.locator('[data-testid=editor]').fill(fs.readFileSync(`lessons/exercises/${id}/reference.rhai`, 'utf8'));
    const times = [];
    let workers = '?';
    for (let i = 0; i < runs; i++) {
      await ex.locator('[data-testid=run]').click();
      await page.waitForFunction((id) => /Graded in \d+ ms/.test(document.querySelector(`[data-exercise=${id}] [data-testid=verdict]`)?.textContent ?? '')
        && !document.querySelector(`[data-exercise=${id}] [data-testid=run]`).textContent.includes('Running'), id, { timeout: 60000 });
      const m = /Graded in (\d+) ms by (\d+ workers?)/.exec(await ex.locator('[data-testid=verdict]').textContent());
      times.push(Number(m[1])); workers = m[2];
    }
    console.log(`bench grade wasm (headless Chromium): ${id} reference, best ${Math.min(...times)} ms of ${runs} (${times.join(', ')}) by ${workers}`);
  }
} finally {
  await browser.close();
  server.close();
}
