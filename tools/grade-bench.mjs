// Grades every exercise's reference in the built site (dist/), in headless Chromium, N times each,
// and prints the time from request to merged report as the page shows it ("Graded in N ms by K
// workers"), and the time from the click to the verdict on screen (measured in the page: the click's
// timestamp to the first frame after the verdict's text changed): the in-browser grading figures.
// Usage: node tools/grade-bench.mjs [runs] [exercise]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { serve } from './serve.mjs';

const runs = Number(process.argv[2] ?? 3);
const only = process.argv[3];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const server = await serve(process.env.DIST ?? 'dist', 0, '/');
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
// Each exercise and the lesson that shows it, read from the lessons' ```exercise blocks.
const lessons = {};
for (const dir of fs.readdirSync('lessons').filter((d) => /^\d\d-/.test(d)).sort()) {
  const md = fs.readFileSync(`lessons/${dir}/lesson.md`, 'utf8');
  const slug = dir.replace(/^\d\d-/, '');
  for (const m of md.matchAll(/```exercise\n([\w-]+)\n```/g)) lessons[m[1]] = slug;
}
try {
  const page = await browser.newPage();
  for (const [id, lesson] of Object.entries(lessons)) {
    if (only && id !== only) continue;
    // A fresh page per exercise: a hash change alone keeps the last lesson's listeners around.
    await page.goto('about:blank');
    await page.goto(`${base}#/lesson/${lesson}`);
    const ex = page.locator(`[data-testid=exercise][data-exercise=${id}]`);
    await ex.waitFor({ timeout: 20000 });
    await page.waitForFunction((id) => document.querySelector(`[data-exercise=${id}] [data-testid=run]`)?.textContent === 'Run tests', id, { timeout: 30000 });
    // The lesson's measured tables compute in a lab worker as it opens: wait until they are done,
    // so that the figures are the grader's alone and not the grader's sharing the cores with them.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=measure]')].every((m) => m.getAttribute('data-done') === 'true'), null, { timeout: 300000 });
    await ex.locator('[data-testid=editor]').fill(fs.readFileSync(`lessons/exercises/${id}/reference.rhai`, 'utf8'));
    const times = [];
    const clicks = [];
    const own = [];
    // Each worker's own time, as 'a+b': a grade is as slow as its slowest shard.
    const spread = [];
    let workers = '?';
    for (let i = 0; i < runs; i++) {
      // The page stamps the click and the first frame painted after the verdict says "Graded".
      await page.evaluate((id) => {
        const root = document.querySelector(`[data-exercise=${id}]`);
        window.__bench = { clicked: null, shown: null };
        // On the exercise, not the button: the button may be drawn anew before the click.
        root.addEventListener('click', (e) => { if (window.__bench.clicked === null && e.target.closest('[data-testid=run]')) window.__bench.clicked = e.timeStamp; }, { capture: true });
        const verdict = root.querySelector('[data-testid=verdict]');
        const before = verdict?.textContent;
        const watch = new MutationObserver(() => {
          const now = root.querySelector('[data-testid=verdict]')?.textContent ?? '';
          if (window.__bench.clicked !== null && now !== before && /Graded in/.test(now)) {
            watch.disconnect();
            requestAnimationFrame(() => { window.__bench.shown = performance.now(); });
          }
        });
        watch.observe(root, { subtree: true, childList: true, characterData: true });
      }, id);
      await ex.locator('[data-testid=run]').click();
      await page.waitForFunction((id) => /Graded in \d+ ms/.test(document.querySelector(`[data-exercise=${id}] [data-testid=verdict]`)?.textContent ?? '')
        && !document.querySelector(`[data-exercise=${id}] [data-testid=run]`).textContent.includes('Running'), id, { timeout: 60000 });
      const m = /Graded in (\d+) ms by (\d+ workers?)/.exec(await ex.locator('[data-testid=verdict]').textContent());
      times.push(Number(m[1])); workers = m[2];
      // The slowest worker's own time on its shard: the rest is messaging and the merge.
      const each = (await ex.locator('[data-testid=verdict]').getAttribute('data-worker-ms')).split(',').map(Number);
      own.push(Math.max(...each));
      spread.push(each.map(Math.round).join('+'));
      await page.waitForFunction(() => window.__bench.shown !== null, null, { timeout: 5000 });
      clicks.push(Math.round(await page.evaluate(() => window.__bench.shown - window.__bench.clicked)));
    }
    console.log(`bench grade wasm (headless Chromium): ${id} reference, request to report best ${Math.min(...times)} ms, median ${median(times)} of ${runs} (${times.join(', ')}); click to verdict median ${median(clicks)} ms, worst ${Math.max(...clicks)} (${clicks.join(', ')}) by ${workers}; slowest worker's own time median ${median(own)} ms (each worker: ${spread.join(', ')} ms)`);
  }
} finally {
  await browser.close();
  server.close();
}
