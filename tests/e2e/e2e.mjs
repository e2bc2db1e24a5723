// End-to-end: serve the built site, open it in headless Chromium as a learner would,
// go to the lesson, crash a node, check the log, take screenshots; then run the
// in-browser benchmark and print its figures.
// Usage: node tests/e2e/e2e.mjs [--bench]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { serve } from '../../tools/serve.mjs';
import { auditRoute, axe, describe, duplicateIds, ROUTES } from '../../tools/axe.mjs';
import { frameFigures, sampleFrames } from '../../tools/frames.mjs';

const OUT = 'tests/e2e/out';
fs.mkdirSync(OUT, { recursive: true });
// Served under a sub-path, as GitHub Pages serves a project: every asset, worker and lesson body
// must be asked for relative to the page (the server answers 404 outside /netsplit/).
const server = await serve('dist', 0, '/netsplit/');
const origin = `http://127.0.0.1:${server.address().port}`;
const base = `${origin}/netsplit/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
let passed = 0, failed = 0;
const errors = [];
// `E2E_ONLY=words node tests/e2e/e2e.mjs` runs only the checks whose names contain the words, or
// any of `words|other words` (while working on one lesson); CI runs them all.
const ONLY = process.env.E2E_ONLY;
// Waits until the exercise `selector` on page `p` can be graded: its grader workers have loaded
// and warmed up, and its button says "Run tests".
async function graderReady(p, selector) {
  await p.waitForFunction((s) => document.querySelector(`${s} [data-testid=run]`)?.textContent === 'Run tests', selector, { timeout: 30000 });
}

async function check(name, fn) {
  if (ONLY && !ONLY.split('|').some((words) => name.includes(words))) return;
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}\n     ${String(e.message ?? e).split('\n').join('\n     ')}`); }
}
function expect(cond, msg) { if (!cond) throw new Error(msg); }
// The simulated time a cluster widget shows, in ms (a live run goes on past its scenario's length).
async function trueTime(widget) {
  return Number((await widget.locator('.timeline span').textContent()).match(/true time ([\d.]+)ms/)?.[1] ?? 0);
}
// Polls `cond` (async) until it holds or `ms` pass: a live cluster answers from the lab worker,
// so what a click does shows a frame later, as a learner sees it.
async function eventually(cond, msg, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(msg);
    await new Promise((r) => setTimeout(r, 20));
  }
}
// An exercise's cases as its exercise.toml lists them, so that the checks follow the file.
function caseCounts(dir) {
  const toml = fs.readFileSync(`${dir}/exercise.toml`, 'utf8');
  const table = (toml.match(/^\[\[table\]\]$/gm) ?? []).length;
  const sims = (toml.match(/^\[\[simulation\]\]$/gm) ?? []).length;
  const schedules = [...toml.matchAll(/^schedules = (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
  return { table, sims, schedules, total: table + sims, text: `${table} table cases + ${schedules} schedules in ${sims} simulation cases` };
}

try {
  // A context of its own, so a second tab can share the first one's storage.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Workers log their own errors (a CSP refusal inside the grader would show only there).
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker ${w.url()}: ${m.text()}`); }));
  // Every CSP violation on the page becomes a console error, so "no errors in the browser
  // console" fails on any of them.
  await context.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`)));

  await check('the site loads from a sub-path: nothing is asked for outside it, and hashed files are served compressed and immutable', async () => {
    const outside = [];
    const wasm = [];
    const listen = (r) => {
      if (!r.url().startsWith(base)) outside.push(`${r.status()} ${r.url()}`);
      if (r.url().endsWith('.wasm')) wasm.push(r);
    };
    page.on('response', listen);
    await page.goto(base);
    await page.waitForSelector('[data-testid=course-map]', { timeout: 20000 });
    page.off('response', listen);
    expect(outside.length === 0, `requests outside ${base}: ${outside.join(', ')}`);
    expect(wasm.length === 1, `${wasm.length} wasm files on the course map`);
    const headers = await wasm[0].allHeaders();
    expect(headers['content-encoding'] === 'gzip', `wasm content-encoding: ${headers['content-encoding']}`);
    expect(/immutable/.test(headers['cache-control'] ?? ''), `wasm cache-control: ${headers['cache-control']}`);
    const root = await fetch(`${origin}/`);
    expect(root.status === 404, `the host's root answers ${root.status}, so the test would not notice absolute paths`);
  });

  await check('the site runs under a strict Content-Security-Policy (meta tag and header): no inline script, no unsafe-inline, wasm-unsafe-eval only, and an injected inline script is refused', async () => {
    const html = fs.readFileSync('dist/index.html', 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(/script-src 'self' 'wasm-unsafe-eval'(;|$)/.test(meta) && !/unsafe-inline|unsafe-eval'|https?:|\*/.test(meta.replace("'wasm-unsafe-eval'", '')), `policy: ${meta}`);
    expect(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'index.html has an inline script');
    const header = (await fetch(base)).headers.get('content-security-policy') ?? '';
    expect(header.startsWith(meta) && header.includes("frame-ancestors 'none'"), `header: ${header}`);
    // Enforced, not only declared: an inline script added to the page does not run.
    const probe = await browser.newPage();
    await probe.goto(base);
    await probe.waitForSelector('[data-testid=course-map]', { timeout: 20000 });
    const ran = await probe.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', () => resolve(window.__inline === true), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.head.append(s);
      setTimeout(() => resolve(`no violation reported; ran: ${window.__inline === true}`), 2000);
    }));
    await probe.close();
    expect(ran === false, `inline script: ${ran}`);
  });

  await check('under slow 4G the shell paints before the wasm arrives, and the app replaces it (one header, one main)', async () => {
    const figures = [];
    for (const route of ['', '#/lesson/two-generals']) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
      const p = await context.newPage();
      // Slow 4G as Lighthouse and WebPageTest define it: 1.6 Mbps down, 750 kbps up, 150 ms RTT.
      const cdp = await context.newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
      await p.goto(`${base}${route}`, { waitUntil: 'commit' });
      // First paint, and whether the shell was what it painted.
      await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, { timeout: 30000, polling: 20 });
      const shellFirst = await p.evaluate(() => !!document.getElementById('shell') || !!document.querySelector('main h1'));
      // A lesson's prose can be read before its live views (their own module) and the lab arrive.
      let readable = null;
      if (route) {
        await p.waitForSelector('[data-testid=lesson] .prose p', { timeout: 60000 });
        readable = await p.evaluate(() => performance.now());
      }
      const ready = route ? '[data-testid=cluster-widget] [data-testid=play]:not([disabled])' : '[data-testid=course-map]';
      await p.waitForSelector(ready, { timeout: 60000 });
      const t = await p.evaluate(() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
        usable: performance.now(),
        shell: !!document.getElementById('shell'),
        headers: document.querySelectorAll('header.site-header').length,
        mains: document.querySelectorAll('main').length,
      }));
      expect(shellFirst && !t.shell && t.headers === 1 && t.mains === 1, `${route || 'course map'}: ${JSON.stringify(t)}`);
      expect(t.paint < t.usable / 2, `${route || 'course map'}: first paint at ${Math.round(t.paint)} ms, usable at ${Math.round(t.usable)} ms: the shell did not paint first`);
      figures.push(`${route ? 'a lesson' : 'the course map'}: first paint ${Math.round(t.paint)} ms, ${readable ? `prose readable ${Math.round(readable)} ms, ` : ''}usable ${Math.round(t.usable)} ms`);
      await context.close();
    }
    console.log(`     slow 4G (1.6 Mbps, 150 ms RTT), no cache: ${figures.join('; ')}`);
  });

  await check('under slow 4G a route to the playground is named and focused at once, and still when its live view arrives', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const p = await context.newPage();
    try {
      const cdp = await context.newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
      await p.goto(base);
      await p.waitForSelector('[data-testid=course-map]', { timeout: 60000 });
      const focused = () => p.evaluate(() => ({
        title: document.title,
        focus: document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : `${document.activeElement?.tagName}`,
        widget: !!document.querySelector('[data-testid=cluster-widget]'),
      }));
      const clicked = Date.now();
      await p.locator('header a[href="#/playground"]').click();
      // Long before the live views' module arrives over this link, the page has its name and
      // focus is on its heading, so a screen reader says where the learner is.
      await p.waitForFunction(() => document.title.startsWith('Playground ·') && document.activeElement?.tagName === 'H1', null, { timeout: 3000, polling: 20 });
      const early = { ...(await focused()), ms: Date.now() - clicked };
      expect(early.focus === 'Playground' && !early.widget, `before the view: ${JSON.stringify(early)}`);
      await p.waitForSelector('[data-testid=cluster-widget]', { timeout: 60000 });
      await p.waitForTimeout(300);
      const late = { ...(await focused()), ms: Date.now() - clicked };
      expect(late.title.startsWith('Playground ·') && late.focus === 'Playground' && late.widget, `with the view: ${JSON.stringify(late)}`);
      console.log(`     slow 4G, course map → playground: named and focused after ${early.ms} ms, its live view at ${late.ms} ms (focus still on its heading)`);
    } finally {
      await context.close();
    }
  });

  await check('check your own history: an example from Porcupine\'s tests is checked in its worker with the native verdict, the blocked operation is drawn, a legal one is numbered, and broken text is told its line', async () => {
    // axe is injected as a script, which the site's CSP would refuse.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await context.newPage();
    try {
      await p.goto(`${base}#/check`);
      const hc = p.locator('[data-testid=history-check]');
      await hc.waitFor({ timeout: 20000 });
      expect((await p.title()).startsWith('Check a history'), `title: ${await p.title()}`);
      const verdictOf = async (example) => {
        await hc.locator('[data-testid=history-example]').selectOption(example);
        await p.waitForFunction(() => document.querySelector('[data-testid=history-text]').value.length > 0, null, { timeout: 10000 });
        await hc.locator('[data-testid=history-check-button]').click();
        await hc.locator('[data-testid=history-verdict], [data-testid=history-error]').first().waitFor({ timeout: 30000 });
        return { verdict: await hc.locator('[data-testid=history-status]').textContent(), figures: await hc.locator('[data-testid=history-figures]').textContent() };
      };
      // etcd_000: not linearizable (Porcupine's verdict, and the native test's).
      const bad = await verdictOf('jepsen/etcd_000.log');
      expect(bad.verdict.startsWith('Not linearizable: read → 2 by client 11 cannot be placed'), `etcd_000: ${bad.verdict}`);
      expect(await hc.locator('svg rect.op.blocked').count() === 1, 'the blocked operation is drawn in red');
      expect(bad.figures.includes('a Jepsen etcd log') && bad.figures.includes('85 operations'), bad.figures);
      const axeFound = describe(await axe(p));
      await hc.screenshot({ path: `${OUT}/history-check.png` });
      // kv c01-ok: linearizable, every bar numbered by its place.
      await hc.locator('[data-testid=history-text]').fill('');
      const good = await verdictOf('kv/c01-ok.txt');
      expect(good.verdict.startsWith('Linearizable'), `c01-ok: ${good.verdict}`);
      // Each bar's place is in its tooltip (and written on it where it is wide enough).
      const bars = await hc.locator('svg rect.op').count();
      const placed = await hc.locator('svg rect.op title').evaluateAll((ts) => ts.filter((t) => /: place \d+$/.test(t.textContent)).length);
      const blocked = await hc.locator('svg rect.op.blocked').count();
      expect(blocked === 0 && placed > 0 && bars >= placed, `c01-ok: ${bars} bars, ${placed} placed, ${blocked} blocked`);
      // Broken JSON: the line where it breaks.
      await hc.locator('[data-testid=history-text]').fill('[\n{"ClientId":0,,}]');
      await hc.locator('[data-testid=history-check-button]').click();
      await hc.locator('[data-testid=history-error]').waitFor({ timeout: 30000 });
      const error = await hc.locator('[data-testid=history-error]').textContent();
      expect(error.includes('line 2'), `error: ${error}`);
      expect(axeFound.length === 0, axeFound.join('\n'));
      console.log(`     history checker: etcd_000 ${bad.figures.match(/(\d+) ms/)?.[0]}, kv c01-ok ${good.figures.match(/(\d+) ms/)?.[0]} (worker, from the click); broken text: "${error}"`);
    } finally {
      await context.close();
    }
  });

  await check('course map lists the two-generals lesson', async () => {
    await page.goto(base);
    await page.waitForSelector('[data-testid=course-map]', { timeout: 20000 });
    const text = await page.textContent('[data-testid=course-map]');
    expect(text.includes('Partial failure and the two generals'), `course map: ${text.slice(0, 200)}`);
    const parts = await page.locator('[data-testid=course-map] .part > h3').allTextContents();
    expect(parts.join('|') === 'Failure and time|Replication and consistency|Consensus and coordination|Transactions across services|Scale and convergence|Operating', `parts: ${parts.join('|')}`);
    const coming = page.locator('[data-testid=coming-lesson]');
    expect(await coming.count() === 12, `coming lessons: ${await coming.count()}`);
    expect(await coming.locator('a').count() === 0, 'a coming lesson is not a link');
    const second = await page.locator('[data-testid=course-map] .part').first().locator('.lessons > li').nth(1).getAttribute('data-lesson');
    expect(second === 'failure-detectors', `second in the course: ${second}`);
    const third = await page.locator('[data-testid=course-map] .part').first().locator('.lessons > li').nth(2).getAttribute('data-lesson');
    expect(third === 'flp', `third in the course: ${third}`);
    await page.screenshot({ path: `${OUT}/home.png`, fullPage: false });
  });

  await check('lesson renders prose and five live widgets', async () => {
    await page.click('text=Partial failure and the two generals');
    await page.waitForSelector('[data-testid=lesson]');
    expect(page.url().endsWith('#/lesson/two-generals'), page.url());
    // The prose first; the live views when their module has loaded (each slot says "Loading…"
    // until then).
    await page.waitForFunction(() => document.querySelector('.prose .live-slot') && !document.querySelector('.prose .live-slot > .loading'), null, { timeout: 20000 });
    const widgets = await page.evaluate(() => [...document.querySelectorAll('.prose [data-testid=cluster-widget]')]
      .filter((w) => !w.closest('[data-testid=quiz-inline]')).length);
    expect(widgets === 5, `widgets: ${widgets}`);
    expect((await page.textContent('h1')).includes('two generals'), 'heading');
  });

  const lossy = page.locator('[data-testid=cluster-widget][data-scenario=lossy-link]');
  await check('crash a node by clicking it, and the log shows the crash', async () => {
    await lossy.scrollIntoViewIfNeeded();
    await lossy.locator('[data-testid=step]').click();
    await lossy.locator('[data-testid=node-1]').click();
    await lossy.locator('[data-testid=crash-toggle]').click();
    const logOf = () => lossy.locator('[data-testid=event-log]').textContent();
    await eventually(async () => (await logOf()).includes('CRASH n1'), `log: ${(await logOf()).slice(0, 300)}`);
    const cls = await lossy.locator('[data-testid=node-1]').getAttribute('class');
    expect(cls.includes('down'), `node class: ${cls}`);
    await lossy.locator('[data-testid=crash-toggle]').click(); // restart
    await eventually(async () => (await logOf()).includes('RESTART n1'), 'restart logged');
  });

  await check('playing the lossy link to dawn shows the agreement violation', async () => {
    await lossy.locator('[data-testid=reset]').click();
    await lossy.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await lossy.locator('[data-testid=play]').click();
    await lossy.locator('[data-testid=violation]').waitFor({ timeout: 15000 });
    const v = await lossy.locator('[data-testid=violation]').textContent();
    expect(v.includes('agreement'), v);
    await lossy.screenshot({ path: `${OUT}/lesson-widget.png` });
  });

  await check('messages are drawn in flight while playing slowly', async () => {
    const w = page.locator('[data-testid=cluster-widget][data-scenario=perfect-link]');
    await w.scrollIntoViewIfNeeded();
    await w.locator('[data-testid=play]').click();
    await w.locator('[data-testid=message]').first().waitFor({ timeout: 10000 });
    await w.locator('[data-testid=play]').click(); // pause
    await page.screenshot({ path: `${OUT}/lesson.png`, fullPage: false });
  });

  await check('every live cluster of a page runs in one lab worker, and a widget draws what the lab sends', async () => {
    const labs = page.workers().filter((x) => x.url().includes('lab-worker')).length;
    const widgets = await page.locator('[data-testid=cluster-widget]').count();
    expect(labs === 1 && widgets >= 2, `${labs} lab workers for ${widgets} widgets`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=perfect-link]');
    const digest = async () => w.locator('[data-testid=digest]').textContent();
    const before = await digest();
    await w.locator('[data-testid=step]').click();
    await page.waitForFunction(([s, d]) => document.querySelector(`${s} [data-testid=digest]`).textContent !== d, ['[data-testid=cluster-widget][data-scenario=perfect-link]', before], { timeout: 5000 });
    await w.locator('[data-testid=reset]').click();
    await page.waitForFunction(([s]) => /step 0 of/.test(document.querySelector(`${s} .timeline span`).textContent), ['[data-testid=cluster-widget][data-scenario=perfect-link]'], { timeout: 5000 });
    console.log(`     lab: ${labs} worker for ${widgets} live clusters on lesson 1`);
  });

  await check('the space-time diagram scales: 9 nodes at 1x keep their frame rate, what is not drawn is counted, stamps never overlap, and the window zooms and scrolls by button, key, wheel, drag and pinch', async () => {
    // A context of its own: its settings and storage stay out of the other checks.
    const own = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await own.newPage();
    try {
    await p.goto(`${base}#/playground`);
    const w = p.locator('[data-testid=cluster-widget]');
    await w.waitFor({ timeout: 20000 });
    await p.locator('[data-testid=nodes]').fill('9');
    await p.locator('[data-testid=nodes]').dispatchEvent('change');
    await w.locator('[data-testid=toggle-spacetime]').click();
    await w.locator('select[aria-label="Playback speed"]').selectOption({ label: '1×' });
    await w.locator('[data-testid=play]').click();
    await p.waitForTimeout(1000);
    const frames = await sampleFrames(p, 3000);
    await w.locator('[data-testid=play]').click();
    const { median: med, longest: worst } = frameFigures(frames);
    console.log(`     space-time diagram, 9 nodes at 1x: median frame ${med.toFixed(1)} ms, longest ${worst.toFixed(1)} ms over ${frames.length} frames (target: median under 17, none over 50)`);
    // Printed, not asserted: frame times depend on the machine (the same build measured 16.7 ms on
    // one and 66.7 on another), and speed targets are checked by benchmarks that print figures
    // (tools/frame-bench.mjs). What keeps the cost bounded is asserted: at most 160 events drawn.
    const drawn = await w.locator('[data-testid=st-event]').count();
    const more = await w.locator('[data-testid=st-more]').textContent();
    expect(drawn <= 160 && /not drawn|not in it/.test(more), `${drawn} events drawn; marker: ${more}`);
    // Zoom and scroll: by key on the focused diagram, by button, by Ctrl-wheel and by drag.
    const svg = w.locator('[data-testid=spacetime] svg');
    const windowText = () => w.locator('[data-testid=st-window]').textContent();
    const whole = await windowText();
    await svg.focus();
    await p.keyboard.press('+');
    const zoomed = await windowText();
    expect(zoomed !== whole && await w.locator('[data-testid=st-zoom-out]').isEnabled(), `+ zooms: ${whole} -> ${zoomed}`);
    await w.locator('[data-testid=st-earlier]').click();
    const earlier = await windowText();
    expect(earlier !== zoomed && await w.locator('[data-testid=st-follow]').isEnabled(), `Earlier scrolls: ${zoomed} -> ${earlier}`);
    const box = await svg.boundingBox();
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width / 2 + 200, box.y + box.height / 2, { steps: 5 });
    await p.mouse.up();
    const dragged = await windowText();
    expect(dragged !== earlier, `a drag scrolls: ${earlier} -> ${dragged}`);
    await svg.focus();
    await p.keyboard.press('+');
    const closer = await windowText();
    await p.keyboard.down('Control');
    await p.mouse.wheel(0, 200);
    await p.keyboard.up('Control');
    const twice = await windowText();
    expect(closer !== dragged && twice !== closer && await w.locator('[data-testid=st-follow]').isEnabled(), `+ then Ctrl-wheel (a pinch) zoom in and out, still scrolled back: ${dragged} -> ${closer} -> ${twice}`);
    // Two fingers: spreading zooms in one level, closing zooms out again (touch pointers, as a
    // phone reports them).
    const pinch = (moves) => svg.evaluate((el, moves) => {
      const r = el.getBoundingClientRect();
      const at = (id, dx, type) => el.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', isPrimary: id === 11,
        clientX: r.left + r.width / 2 + dx, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
      at(11, -50, 'pointerdown'); at(12, 50, 'pointerdown');
      for (const dx of moves) at(12, dx, 'pointermove');
      at(12, 0, 'pointerup'); at(11, -50, 'pointerup');
    }, moves);
    const span = (text) => { const [a, b] = text.match(/[\d.]+/g).map(Number); return b - a; };
    await pinch([60, 80, 100]);
    const spread = await windowText();
    expect(Math.abs(span(spread) * 2 - span(twice)) < 0.01, `two fingers spreading zoom in: ${twice} -> ${spread}`);
    await pinch([40, 25]);
    const closed = await windowText();
    expect(Math.abs(span(closed) - span(twice)) < 0.01, `two fingers closing zoom out: ${spread} -> ${closed}`);
    await w.locator('[data-testid=st-follow]').click();
    expect(await w.locator('[data-testid=st-follow]').isDisabled(), 'Follow returns to the newest events');
    // Stamps on one lane never overlap: a busy Lamport run, every label's box against its neighbours'.
    await p.goto(`${base}#/lesson/lamport-clocks`);
    const lw = p.locator('[data-testid=cluster-widget][data-scenario=hostile-network]');
    await lw.waitFor({ timeout: 20000 });
    await lw.scrollIntoViewIfNeeded();
    if (!(await lw.locator('[data-testid=spacetime]').count())) await lw.locator('[data-testid=toggle-spacetime]').click();
    await lw.locator('select[aria-label="Playback speed"]').selectOption({ label: '1×' });
    await lw.locator('[data-testid=play]').click();
    await p.waitForTimeout(2500);
    await lw.locator('[data-testid=play]').click({ timeout: 2000 }).catch(() => {});
    const overlaps = await p.evaluate(() => {
      const boxes = [...document.querySelectorAll('[data-scenario=hostile-network] .st-event text')].map((t) => t.getBoundingClientRect());
      let n = 0;
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
      }
      return { n, labels: boxes.length };
    });
    expect(overlaps.labels > 5 && overlaps.n === 0, `stamp labels: ${JSON.stringify(overlaps)}`);
    } finally {
      await own.close();
    }
  });

  await check('pause a node from the inspector: it stops without crashing, is drawn paused, and goes on a second later', async () => {
    await page.goto(`${base}#/playground`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=playground]');
    await w.locator('[data-testid^=node-]').first().waitFor({ timeout: 20000 });
    await page.locator('[data-testid=protocol]').selectOption('heartbeat');
    await w.locator('[data-testid=node-1]').click();
    await w.locator('[data-testid=pause]').click();
    const logOf = () => w.locator('[data-testid=event-log]').textContent();
    await eventually(async () => (await logOf()).includes('PAUSE n1 until'), 'the pause is logged');
    await eventually(async () => (await w.locator('[data-testid=node-1]').getAttribute('class')).includes('paused'), 'n1 is drawn paused');
    const pill = await w.locator('[data-testid=paused]').textContent();
    expect(/paused until/.test(pill) && !(await logOf()).includes('CRASH'), `the inspector says until when, and nothing crashed: ${pill}`);
    await w.screenshot({ path: `${OUT}/paused-node.png` });
    await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await w.locator('[data-testid=play]').click();
    // A second of simulated time later it runs again (the log has long scrolled past RESUME).
    await eventually(async () => !(await w.locator('[data-testid=node-1]').getAttribute('class')).includes('paused'), 'n1 is drawn running again', 15000);
    await w.locator('[data-testid=play]').click();
    expect(await w.locator('[data-testid=inspector] .pill.up').count() === 1, 'the inspector says up again');
  });

  await check('the φ accrual detector in the playground: its threshold is a control, a paused node is suspected by its peers, then heard again', async () => {
    // A page of its own: the playground keeps its protocol and selection across hash routes.
    const own = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await own.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
    await page.goto(`${base}#/playground`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=playground]');
    await w.locator('[data-testid^=node-]').first().waitFor({ timeout: 20000 });
    await page.locator('[data-testid=protocol]').selectOption('phi-accrual');
    await w.locator('[data-testid=threshold-tenths]').waitFor({ timeout: 10000 });
    expect(await w.locator('[data-testid=threshold-tenths]').inputValue() === '80', 'Akka\'s default threshold, φ = 8');
    await w.locator('[data-testid=node-1]').click();
    await w.locator('[data-testid=pause]').click();
    await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes('PAUSE n1'), 'the pause is logged');
    await w.locator('[data-testid=node-0]').click();
    await w.locator('[data-testid=play]').click();
    const badge = () => w.locator('[data-testid=node-0] .node-badge').textContent();
    await eventually(async () => (await badge()).includes('suspects 1'), 'n0 suspects the paused n1', 10000);
    const phiOfN1 = await w.locator('[data-testid=inspector]').textContent();
    expect(/φ of n1[\d.]+ \(suspected\)/.test(phiOfN1), `the inspector gives φ of n1: ${phiOfN1}`);
    await eventually(async () => !(await badge()).includes('suspects'), 'n1 is heard again after its pause', 15000);
    await w.locator('[data-testid=play]').click();
    } finally {
      await own.close();
    }
  });

  // A lesson's measured table as the page computes it, a chunk at a time in its lab worker:
  // waits up to `ms` for every seed, and gives the table, its status line, when the wait began,
  // and the picked row's figures.
  async function finishedTable(id, ms) {
    const m = page.locator(`[data-testid=measure][data-measure=${id}]`);
    await m.scrollIntoViewIfNeeded();
    const started = Date.now();
    await eventually(async () => (await m.getAttribute('data-done')) === 'true', `the table never finished: ${await m.locator('.measure-status').textContent()}`, ms);
    const status = await m.locator('.measure-status').textContent();
    const picked = async () => (await m.locator('[data-testid=measure-picked]').textContent());
    return { m, status, started, picked };
  }

  await check('the failure-detectors lesson: its scenarios play, the φ plot draws its threshold, a low threshold errs on a jittery network, and the measured table comes from the lab worker over 100 seeds and follows its slider', async () => {
    await page.goto(`${base}#/lesson/failure-detectors`);
    const widget = (id) => page.locator(`[data-testid=cluster-widget][data-scenario=${id}]`);
    await widget('fixed-timeout').locator('[data-testid^=node-]').first().waitFor({ timeout: 20000 });
    const playToEnd = async (id, note) => {
      const w = widget(id);
      await w.scrollIntoViewIfNeeded();
      await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
      await w.locator('[data-testid=play]').click();
      await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes(note), `${id}: no "${note}" in ${(await w.locator('[data-testid=event-log]').textContent()).slice(-300)}`, 20000);
    };
    await playToEnd('fixed-timeout', 'n0 suspects n3');
    await playToEnd('phi-crash', 'n0 suspects n2');
    await playToEnd('pause-not-crash', 'hears n1 again');
    const plot = widget('phi-crash').locator('[data-testid=panel-series]');
    expect(await plot.locator('line.threshold').count() === 1, 'the φ plot draws the threshold');
    // Each suspicion is marked as the simulator judged it: the crash's three right, the pause's six wrong.
    const marks = async (id) => widget(id).locator('[data-testid=suspicion-marks]').textContent();
    await eventually(async () => /suspicions: 3 right.*, 0 wrong/.test(await marks('phi-crash')), `phi-crash marks: ${await marks('phi-crash').catch(() => 'none')}`);
    await eventually(async () => /suspicions: 0 right.*, 6 wrong/.test(await marks('pause-not-crash')), `pause marks: ${await marks('pause-not-crash').catch(() => 'none')}`);
    expect((await plot.textContent()).includes('threshold 80'), `threshold label: ${await plot.textContent()}`);
    // A threshold of φ = 1 on the jittery network suspects live nodes; raised to 8, the run restarts.
    const jit = widget('phi-jittery');
    // A live run goes on past its scenario's length: play each threshold to 2 s of true time.
    const playTo = async (ms) => {
      await jit.scrollIntoViewIfNeeded();
      await jit.locator('select[aria-label="Playback speed"]').selectOption('1000');
      if ((await jit.locator('[data-testid=play]').getAttribute('aria-label')) === 'Play') await jit.locator('[data-testid=play]').click();
      // The log shows the newest lines only: gather every suspicion as it goes by.
      await eventually(async () => {
        for (const line of await jit.locator('[data-testid=event-log] li').allTextContents()) {
          if (/suspects n\d/.test(line)) seen.add(line);
        }
        return await trueTime(jit) >= ms;
      }, `phi-jittery reaches ${ms} ms`, 20000);
      await jit.locator('[data-testid=play]').click();
      await eventually(async () => (await jit.locator('[data-testid=play]').getAttribute('aria-label')) === 'Play', 'paused');
    };
    let seen = new Set();
    await playTo(2000);
    const atOne = seen.size;
    seen = new Set();
    const th = jit.locator('[data-testid=threshold-tenths]');
    expect(await th.inputValue() === '10', `threshold ${await th.inputValue()}`);
    await th.fill('80');
    await th.dispatchEvent('change');
    await eventually(async () => await trueTime(jit) < 1000, 'the run restarts with the new threshold');
    await playTo(2000);
    const atEight = seen.size;
    expect(atEight * 5 < atOne, `suspicions in the log: ${atOne} at φ = 1, ${atEight} at φ = 8`);
    console.log(`     phi-jittery: ${atOne} suspicions in the log at φ = 1, ${atEight} at φ = 8`);
    // The measured table: computed in this page's lab worker, a chunk at a time.
    const { m, status, started, picked } = await finishedTable('phi-thresholds', 60000);
    expect(/Measured over 100 seeds/.test(status), status);
    const rows = await m.locator('tbody tr').count();
    expect(rows === 10, `${rows} rows`);
    const at8 = await picked();
    expect((await m.locator('[data-testid=measure-knob-value]').textContent()) === '8.0', 'φ = 8 picked first');
    expect(/calm: mean detection time\d+ ms/.test(at8), at8);
    await m.locator('[data-testid=measure-knob]').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await eventually(async () => (await m.locator('[data-testid=measure-knob-value]').textContent()) === '1.0', `the slider moved to ${await m.locator('[data-testid=measure-knob-value]').textContent()}`);
    const at1 = await picked();
    expect(at1 !== at8, 'both figures move with the threshold');
    expect((await m.locator('tr.picked th').textContent()) === '1.0', 'the picked row is marked in the table');
    expect(await m.locator('.measure-plot path.series').count() === 4, 'two plots, a line per network');
    await m.screenshot({ path: `${OUT}/measure.png` });
    console.log(`     measured table: 100 seeds × 2 networks in ${status.match(/in ([\d.]+ s)/)?.[1]} (lab worker; ${((Date.now() - started) / 1000).toFixed(1)} s seen by the test)`);
  });

  await check('the flp lesson: the valence panel colours every delivery, a learner keeps the run bivalent and then fixes it, the diamond closes, the machine adversary keeps it undecided, the fair coin decides, the run decides after GST, and toggling an input changes an initial valence', async () => {
    await page.goto(`${base}#/lesson/flp`);
    const widget = (id) => page.locator(`[data-testid=cluster-widget][data-scenario=${id}]`);
    const you = widget('you-schedule');
    await you.locator('[data-testid=panel-valence]').waitFor({ timeout: 20000 });
    await you.scrollIntoViewIfNeeded();
    const now = async (w) => (await w.locator('[data-testid=valence-now]').textContent());
    await eventually(async () => (await now(you)).includes('bivalent'), `start: ${await now(you)}`);
    const held = you.locator('[data-testid=held] button[data-testid^=deliver-]');
    // Play: the six reports fly, then wait for you.
    await you.locator('[data-testid=play]').click();
    await eventually(async () => await held.count() === 6, `six reports wait: ${await held.count()}`);
    // A choice plays on until everything waits again; choose only then, as a learner would.
    const settled = async () => eventually(async () => (await you.locator('[data-testid=play]').getAttribute('aria-label')) === 'Play', 'everything waits again', 20000);
    await settled();
    // The diamond, once the reports wait: two deliveries to different processes, in either order, meet.
    const diamond = you.locator('[data-testid=panel-diamond]');
    await eventually(async () => (await diamond.count()) > 0 && (await diamond.locator('[data-testid=diamond-verdict]').textContent()).includes('Both orders reach the same configuration'), 'the diamond is drawn and closes');
    expect(await diamond.locator('svg circle').count() === 4, 'four configurations in the diamond');
    // Twelve deliveries, each a purple one: the run stays bivalent and nobody decides.
    for (let i = 0; i < 12; i++) {
      const before = await you.locator('[data-testid=digest]').textContent();
      await you.locator('[data-testid=held] button.v-bi').first().click();
      await eventually(async () => (await you.locator('[data-testid=digest]').textContent()) !== before, `delivery ${i + 1} happened`);
      await settled();
    }
    await eventually(async () => (await now(you)).includes('bivalent'), `after 12 purple deliveries: ${await now(you)}`);
    expect(!(await you.locator('[data-testid=event-log]').textContent()).includes('decides'), 'nobody decided while it stayed bivalent');
    // The run's path says so: the start and the configuration after each of the 12 deliveries
    // were bivalent (the reports arriving to be held were not steps).
    const pathSummary = () => you.locator('[data-testid=path-summary]').textContent();
    await eventually(async () => /^Bivalent at the start and after each of the 12 steps since/.test(await pathSummary()), `the path: ${await pathSummary()}`);
    await you.screenshot({ path: `${OUT}/flp-you-schedule.png` });
    // Now a univalent one: from there every schedule decides its value.
    const fixing = you.locator('[data-testid=held] button.v-one, [data-testid=held] button.v-zero').first();
    await eventually(async () => await fixing.count() > 0 || await you.locator('[data-testid=held] button.v-bi').count() > 0, 'a choice waits');
    let fixed = null;
    for (let i = 0; i < 10 && fixed === null; i++) {
      if (await fixing.count() > 0) {
        fixed = (await fixing.getAttribute('class')).includes('v-one') ? '1' : '0';
        await fixing.click();
      } else {
        await you.locator('[data-testid=held] button.v-bi').first().click();
      }
      await page.waitForTimeout(100);
      await settled();
    }
    expect(fixed !== null, 'some delivery led to a univalent configuration');
    // The path's latest configuration is the one that delivery led to.
    const latest = await you.locator('[data-testid=panel-path] ul li').first().textContent();
    expect(latest.includes(`→ ${fixed}-valent`), `the path's latest step: ${latest}`);
    for (let i = 0; i < 40 && !(await you.locator('[data-testid=event-log]').textContent()).includes('decides'); i++) {
      if (await held.count() === 0) break;
      await held.first().click();
      await page.waitForTimeout(100);
      await settled();
    }
    const log = await you.locator('[data-testid=event-log]').textContent();
    expect(log.includes(`decides ${fixed}`), `after a ${fixed}-valent delivery the run decides ${fixed}: ${log.slice(-300)}`);
    console.log(`     you-schedule: 12 bivalent deliveries, then a ${fixed}-valent one decided ${fixed}`);
    // The machine adversary: four seconds of choices, no decision, a plan on every frame.
    const playTo = async (w, ms, stop) => {
      await w.scrollIntoViewIfNeeded();
      await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
      await w.locator('[data-testid=play]').click();
      await eventually(async () => (await trueTime(w)) >= ms || (stop && (await w.locator('[data-testid=event-log]').textContent()).includes(stop)), `${ms} ms reached: ${await trueTime(w)}`, 60000);
      // A run with nothing left to happen stops by itself and disables its play button, maybe
      // between this look and the click: then there is nothing to pause.
      const play = w.locator('[data-testid=play]');
      if ((await play.getAttribute('aria-label')) !== 'Play') await play.click({ timeout: 2000 }).catch(() => {});
    };
    const adv = widget('machine-adversary');
    await adv.locator('[data-testid=panel-valence]').waitFor({ timeout: 20000 });
    await playTo(adv, 4000);
    const advLog = await adv.locator('[data-testid=event-log]').textContent();
    expect(!advLog.includes('decides'), `the adversary kept it undecided: ${advLog.slice(-300)}`);
    expect(/round [4-9]|round 1\d/.test(advLog), `the rounds went by: ${advLog.slice(-200)}`);
    expect((await adv.locator('[data-testid=adversary-plan]').textContent()).includes('delivers'), 'the plan line says what comes next');
    expect((await now(adv)).includes('bivalent'), `still bivalent: ${await now(adv)}`);
    // The steps counter: one delivery every 60 ms, and not one decision.
    const steps = await adv.locator('[data-testid=valence-steps]').textContent();
    expect(Number(/^(\d+) deliveries without a decision$/.exec(steps)?.[1]) >= 50, `steps: ${steps}`);
    // Lemma 3 over time: every configuration on the run's path was bivalent, ten drawn.
    const advPath = await adv.locator('[data-testid=path-summary]').textContent();
    expect(Number(/^Bivalent at the start and after each of the (\d+) steps since/.exec(advPath)?.[1]) >= 50, `the path: ${advPath}`);
    expect(await adv.locator('[data-testid=panel-path] svg circle.v-bi').count() === 10, 'ten bivalent configurations drawn');
    await adv.locator('[data-testid=panel-valence]').screenshot({ path: `${OUT}/flp-valence.png` });
    await adv.locator('[data-testid=panel-path]').screenshot({ path: `${OUT}/flp-path.png` });
    console.log(`     machine-adversary: undecided at ${await trueTime(adv)} ms, ${steps}; ${(await adv.locator('[data-testid=valence-searched]').textContent())}`);
    // The fair coin, against the same adversary: it decides.
    const fair = widget('fair-coin');
    await playTo(fair, 7000, 'decides');
    expect((await fair.locator('[data-testid=event-log]').textContent()).includes('decides'), 'the fair coin decides');
    expect(/^Decided [01], \d+ deliveries so far$/.test(await fair.locator('[data-testid=valence-steps]').textContent()), 'the counter says it decided');
    console.log(`     fair-coin: decided by ${await trueTime(fair)} ms`);
    // The same adversary until the network turns timely at 3 s: then it decides.
    const gst = widget('gst');
    await playTo(gst, 3900, 'decides');
    const gstLog = await gst.locator('[data-testid=event-log]').textContent();
    expect(gstLog.includes('all released') && gstLog.includes('decides'), `released at GST, then decided: ${gstLog.slice(-300)}`);
    console.log(`     gst: decided by ${await trueTime(gst)} ms (GST at 3000 ms)`);
    // An initial configuration's valence follows its inputs.
    const init = widget('initial-configurations');
    await init.scrollIntoViewIfNeeded();
    await eventually(async () => (await now(init)).includes('0-valent'), `0, 0, 1: ${await now(init)}`);
    await init.locator('[data-testid=input-1]').check();
    await eventually(async () => (await now(init)).includes('bivalent'), `0, 1, 1: ${await now(init)}`);
    await init.locator('[data-testid=input-0]').check();
    await eventually(async () => (await now(init)).includes('1-valent'), `1, 1, 1: ${await now(init)}`);
    // One crash: the two survivors decide, whatever the crashed process's input.
    const crash = widget('one-crash');
    await playTo(crash, 400, 'n2 decides');
    expect((await crash.locator('[data-testid=event-log]').textContent()).includes('n0 decides 0'), 'n0 and n2 decide without n1');
  });

  await check('the flp lesson\'s measured table: computed in the lab worker over 40 seeds, the fixed coin never decides against the adversary, every run in random order decides by round 4, and the figures follow the slider', async () => {
    if (!page.url().includes('#/lesson/flp')) await page.goto(`${base}#/lesson/flp`);
    const { m, status, started, picked } = await finishedTable('flp-rounds', 240000);
    expect(/Measured over 40 seeds/.test(status), status);
    expect(await m.locator('tbody tr').count() === 8, 'a row per round');
    expect((await m.locator('[data-testid=measure-knob-value]').textContent()) === '3', 'round 3 picked first');
    const at3 = await picked();
    expect(/fixed coin, the adversary: decided0 of 40 \(0%\)/.test(at3), at3);
    await m.locator('[data-testid=measure-knob]').focus();
    await page.keyboard.press('End');
    await eventually(async () => (await m.locator('[data-testid=measure-knob-value]').textContent()) === '8', `the slider moved to ${await m.locator('[data-testid=measure-knob-value]').textContent()}`);
    const at8 = await picked();
    expect(at8 !== at3, 'the figures move with the round');
    expect(/fixed coin, the adversary: decided0 of 40/.test(at8) && /random order: decided40 of 40/.test(at8), at8);
    expect(await m.locator('.measure-plot path.series').count() === 3, 'a line per way a run goes');
    await m.screenshot({ path: `${OUT}/flp-measure.png` });
    console.log(`     flp measured table: 40 seeds × 3 runs in ${status.match(/in ([\d.]+ s)/)?.[1]} (lab worker; ${((Date.now() - started) / 1000).toFixed(1)} s seen by the test); at round 8: ${at8}`);
  });

  await check('on a phone (390 px) a measured table fits the screen: every column shows without scrolling sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${base}#/lesson/failure-detectors`);
    const m = phone.locator('[data-testid=measure][data-measure=phi-thresholds]');
    await m.waitFor({ timeout: 20000 });
    await phone.waitForFunction(() => document.querySelector('[data-measure=phi-thresholds]')?.getAttribute('data-done') === 'true', null, { timeout: 60000 });
    const [scroll, client, right, edge] = await m.locator('table').evaluate((t) => [t.scrollWidth, t.clientWidth,
      Math.max(...[...t.querySelectorAll('th, td')].map((c) => c.getBoundingClientRect().right)), t.getBoundingClientRect().right]);
    expect(scroll <= client && right <= edge + 1, `the table is ${scroll} px wide in ${client} px; its last cell ends at ${right}, the table at ${edge}`);
    await m.locator('table').screenshot({ path: `${OUT}/measure-phone.png` });
    await phone.close();
  });

  await check('drag a node into group B partitions the playground cluster', async () => {
    await page.goto(`${base}#/playground`);
    await page.waitForSelector('[data-testid=cluster-widget]');
    await page.dragAndDrop('[data-testid=chip-2]', '[data-testid=zone-B]');
    const logOf = () => page.locator('[data-testid=event-log]').textContent();
    await eventually(async () => (await logOf()).includes('PART'), 'the drop partitions');
    await page.locator('[data-testid=play]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=event-log]').textContent.includes('suspects n2'), null, { timeout: 15000 });
    await page.locator('[data-testid=play]').click();
    await page.screenshot({ path: `${OUT}/playground.png`, fullPage: false });
    // The heartbeat protocol's panel: peers suspected over time, one line per node.
    const nodes = await page.locator('[data-testid=cluster-widget] [data-testid^=node-]').count();
    const lines = await page.locator('[data-testid=panel-series] path.series').count();
    expect(lines === nodes && nodes > 0, `${lines} series lines for ${nodes} nodes`);
  });

  await check('a partition chip moved by keyboard keeps focus, and a tap moves a node to the next group', async () => {
    await page.goto(`${base}#/playground`);
    await page.waitForSelector('[data-testid=cluster-widget]');
    await page.locator('[data-testid=zone-A] [data-testid=chip-1]').focus();
    await page.keyboard.press('b');
    await page.locator('[data-testid=zone-B] [data-testid=chip-1]').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'chip-1', null, { timeout: 2000 });
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=zone-C] [data-testid=chip-1]').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'chip-1', null, { timeout: 2000 });
    // Touch: a tap on a chip moves it on (A, B, C, then A again).
    const tapper = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await tapper.newPage();
    await phone.goto(`${base}#/playground`);
    await phone.waitForSelector('[data-testid=cluster-widget]');
    await phone.locator('[data-testid=zone-A] [data-testid=chip-0]').tap();
    await phone.locator('[data-testid=zone-B] [data-testid=chip-0]').waitFor({ timeout: 2000 });
    expect((await phone.locator('[data-testid=event-log]').textContent()).includes('PART'), 'the tap partitioned the cluster');
    await tapper.close();
  });

  await check('Raft shows each server\'s state machine and the client operations as bars', async () => {
    await page.goto(`${base}#/lesson/raft-log-replication`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=one-write]');
    await w.waitFor();
    await w.scrollIntoViewIfNeeded();
    await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await w.locator('[data-testid=play]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-scenario=one-write] [data-testid=panel-history] rect.op:not(.pending)').length >= 2, null, { timeout: 20000 });
    await w.locator('[data-testid=play]').click();
    const rows = await w.locator('[data-testid=panel-key-values] tbody tr').count();
    expect(rows === 5, `${rows} state-machine rows for 5 servers`);
    const title = await w.locator('[data-testid=panel-history] rect.op').first().locator('title').textContent();
    expect(/^write [xyz]=\d+ → ok$/.test(title), `bar title: ${title}`);
    await w.locator('[data-testid=panel-history]').screenshot({ path: `${OUT}/raft-history-bars.png` });
  });

  // Raft: the leader's row in the log grid has class "leader"; its data-testid names the node.
  async function leaderOf(w) {
    const row = w.locator('[data-testid=log-grid] tr.leader');
    if (await row.count() !== 1) return null;
    const id = (await row.getAttribute('data-testid')).replace('log-', '');
    const who = await row.locator('td.who').textContent();
    return { id, term: Number(/· t(\d+) ·/.exec(who)[1]) };
  }

  await check('Raft: crash the leader and a new one is elected in a later term', async () => {
    await page.goto(`${base}#/lesson/raft-leader-election`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=first-election]');
    await w.waitFor();
    await w.scrollIntoViewIfNeeded();
    await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await w.locator('[data-testid=play]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-scenario=first-election] [data-testid=log-grid] tr.leader').length === 1, null, { timeout: 15000 });
    await w.locator('[data-testid=play]').click(); // pause
    const first = await leaderOf(w);
    expect(first !== null, 'no leader after playing');
    await w.locator(`[data-testid=node-${first.id.slice(1)}]`).click();
    await w.locator('[data-testid=crash-toggle]').click();
    await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes(`CRASH ${first.id}`), 'crash logged');
    await w.locator('[data-testid=play]').click();
    await page.waitForFunction((old) => {
      const row = document.querySelector('[data-scenario=first-election] [data-testid=log-grid] tr.leader');
      return row && row.getAttribute('data-testid') !== `log-${old}`;
    }, first.id, { timeout: 20000 });
    await w.locator('[data-testid=play]').click();
    const second = await leaderOf(w);
    expect(second.id !== first.id && second.term > first.term, `old ${JSON.stringify(first)} new ${JSON.stringify(second)}`);
    await w.screenshot({ path: `${OUT}/raft-new-leader.png` });
  });

  await check('Raft: "Time out now" breaks the aligned timers\' split votes, and a client request is committed', async () => {
    await page.goto(`${base}#/lesson/raft-leader-election`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=aligned-timers]');
    await w.waitFor();
    await w.scrollIntoViewIfNeeded();
    await w.locator('[data-testid=node-0]').click();
    await w.locator('[data-testid=timeout-now]').click();
    await w.locator('[data-testid=step]').click();
    const logOf = () => w.locator('[data-testid=event-log]').textContent();
    await eventually(async () => (await logOf()).includes('n0 times out: stands for election in term 1'), `log: ${(await logOf()).slice(0, 400)}`);
    await w.locator('[data-testid=client-request]').click();
    await eventually(async () => (await logOf()).includes('REQ   n5 write y=10'), 'request logged');
    const withRequest = await logOf();
    // The client's command is an operation of the run's history: invoked at once.
    expect(/CALL  n5 op\d+ write y=10/.test(withRequest), `invocation logged: ${withRequest.slice(0, 600)}`);
    await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await w.locator('[data-testid=play]').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-scenario=aligned-timers] [data-testid=log-grid] td.cell.committed')]
      .some((td) => td.getAttribute('title').includes('y=10')), null, { timeout: 20000 });
    await w.locator('[data-testid=play]').click();
  });

  await check('protocol controls come from core: the timeout-mode toggle rebuilds the Raft run, the rounds field edits the two generals up to core\'s bound', async () => {
    await page.goto(`${base}#/lesson/raft-leader-election`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=aligned-timers]');
    await w.waitFor();
    const toggle = w.locator('[data-testid=randomized-timeouts]');
    const before = await toggle.isChecked();
    const digest = await w.locator('[data-testid=digest]').textContent();
    await toggle.click();
    await page.waitForFunction((was) => document.querySelector('[data-scenario=aligned-timers] [data-testid=randomized-timeouts]').checked !== was, before);
    await w.locator('[data-testid=step]').click();
    await w.locator('[data-testid=step]').click();
    expect((await w.locator('[data-testid=digest]').textContent()) !== digest, 'the run was rebuilt with the other timeout mode');
    await page.goto(`${base}#/lesson/two-generals`);
    const g = page.locator('[data-testid=cluster-widget][data-scenario=more-rounds]');
    await g.waitFor();
    const rounds = g.locator('[data-testid=rounds]');
    expect((await rounds.getAttribute('max')) === '20', `max ${await rounds.getAttribute('max')}`);
    await rounds.fill('15');
    await rounds.dispatchEvent('change');
    await page.waitForFunction(() => document.querySelector('[data-scenario=more-rounds] [data-testid=rounds]').value === '15');
    await g.screenshot({ path: `${OUT}/two-generals-rounds.png` });
  });

  await check('Raft: a partition heals and every log converges', async () => {
    await page.goto(`${base}#/lesson/raft-safety`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=minority-leader]');
    await w.waitFor();
    await w.scrollIntoViewIfNeeded();
    await w.locator('select[aria-label="Playback speed"]').selectOption('1000');
    await w.locator('[data-testid=play]').click();
    // The partition holds until 1.6 s; play on to 2.4 s of simulated time, then pause.
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-scenario=minority-leader] .timeline span')?.textContent ?? '';
      const m = /true time ([\d.]+)ms/.exec(t);
      return m && Number(m[1]) >= 2400;
    }, null, { timeout: 60000 });
    await w.locator('[data-testid=play]').click(); // pause
    const rows = await w.locator('[data-testid=log-grid] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-testid'), len: tr.getAttribute('data-len'), commit: tr.getAttribute('data-commit'),
        cells: [...tr.querySelectorAll('td.cell:not(.empty)')].map((td) => td.getAttribute('title').replace(', committed', '')).join('|') })));
    expect(rows.length === 5, `rows ${rows.length}`);
    expect(rows.every((r) => r.cells === rows[0].cells), `logs differ: ${JSON.stringify(rows)}`);
    expect(rows.every((r) => r.commit === r.len), `not all committed: ${JSON.stringify(rows)}`);
    expect(!(await w.locator('[data-testid=violation]').count()), 'violation banner');
    console.log(`raft e2e: after the heal all 5 logs hold the same ${rows[0].len} entries, all committed`);
    await w.screenshot({ path: `${OUT}/raft-converged.png` });
  });

  await check('a malformed route shows a page, not a blank screen', async () => {
    await page.goto(`${base}#/nowhere`);
    await page.waitForSelector('text=Page not found');
  });

  await check('dark mode and reduced motion render', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark', reducedMotion: 'reduce', viewport: { width: 1280, height: 900 } });
    await dark.goto(`${base}#/lesson/two-generals`);
    await dark.waitForSelector('[data-testid=cluster-widget]');
    const bg = await dark.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(bg !== 'rgb(251, 251, 253)', `dark background: ${bg}`);
    await dark.screenshot({ path: `${OUT}/lesson-dark.png` });
    // Reduced motion keeps the chosen speed (it used to play one event every 600 ms whatever the
    // speed): at 1x the playground's heartbeats play dozens of events a second.
    await dark.goto(`${base}#/playground`);
    const w = dark.locator('[data-testid=cluster-widget]').first();
    await w.waitFor({ timeout: 20000 });
    await w.locator('select[aria-label="Playback speed"]').selectOption({ label: '1×' });
    await w.locator('[data-testid=play]').click();
    await dark.waitForTimeout(1500);
    await w.locator('[data-testid=play]').click();
    const steps = Number(/step (\d+) of/.exec(await w.locator('.timeline span').textContent())[1]);
    expect(steps > 10, `reduced motion at 1x played ${steps} steps in 1.5 s`);
    console.log(`     reduced motion at 1x: ${steps} steps in 1.5 s (one per 600 ms before)`);
    await dark.close();
  });

  // Clicks a cluster widget's Step button in the page and returns how long the page took to show
  // the step (the event log grows), in ms, timed inside the page: how fast it answers a click.
  async function clickLatency(widget) {
    return page.evaluate((sel) => new Promise((resolve) => {
      const w = document.querySelector(sel);
      const log = w && w.querySelector('[data-testid=event-log]');
      const step = w && w.querySelector('[data-testid=step]');
      if (!log || !step) { resolve(-1); return; }
      const before = log.textContent.length;
      const t0 = performance.now();
      step.click();
      const poll = () => {
        const t = performance.now() - t0;
        if (log.textContent.length !== before || t > 5000) resolve(t); else setTimeout(poll, 0);
      };
      poll();
    }), widget);
  }

  // While the exercise `exSel` grades (its Run button says Running), clicks `widget` over and over;
  // returns the slowest answer and how many clicks were timed.
  async function latencyWhileGrading(exSel, widget) {
    let max = 0, clicks = 0;
    const started = Date.now();
    while (Date.now() - started < 60000) {
      const running = await page.evaluate((sel) => document.querySelector(`${sel} [data-testid=run]`).textContent.includes('Running'), exSel);
      if (!running) break;
      const t = await clickLatency(widget);
      if (t >= 0) { max = Math.max(max, t); clicks += 1; }
    }
    return { max: Math.round(max), clicks };
  }

  const exerciseDir = 'lessons/exercises/lamport-rules';
  const ex = page.locator('[data-testid=exercise][data-exercise=lamport-rules]');
  async function grade(code) {
    await ex.locator('[data-testid=editor]').fill(code);
    const started = Date.now();
    await ex.locator('[data-testid=run]').click();
    await ex.locator('[data-testid=verdict]').waitFor({ timeout: 60000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid=exercise] [data-testid=run]').textContent.includes('Running'), null, { timeout: 60000 });
    return { verdict: await ex.locator('[data-testid=verdict]').textContent(), ms: Date.now() - started };
  }

  await check('the exercise loads its grader only on the exercise page', async () => {
    const loaded = [];
    page.on('request', (r) => { if (r.url().includes('grader-worker')) loaded.push(r.url()); });
    await page.goto(`${base}#/lesson/two-generals`);
    await page.waitForSelector('[data-testid=cluster-widget]');
    expect(loaded.length === 0, `grader fetched on a page without exercises: ${loaded}`);
    await page.goto(`${base}#/lesson/lamport-clocks`);
    await ex.waitFor();
    await graderReady(page, '[data-testid=exercise]');
    expect(loaded.some((u) => u.endsWith('.wasm')), `grader wasm not fetched: ${loaded}`);
  });

  await check('the reference solution passes every case, graded by the workers', async () => {
    const { verdict, ms } = await grade(fs.readFileSync(`${exerciseDir}/reference.rhai`, 'utf8'));
    const n = caseCounts(exerciseDir);
    expect(verdict.includes(`All ${n.total} cases pass`), verdict);
    const worker = /Graded in (\d+) ms by (\d+ workers?)/.exec(verdict);
    console.log(`bench grade wasm (headless Chromium, grader workers): lamport-rules reference, ${n.text}: ${worker ? `${worker[1]} ms from request to merged report by ${worker[2]}` : '?'}, ${ms} ms click to verdict`);
    await ex.screenshot({ path: `${OUT}/exercise-pass.png` });
  });

  await check('a wrong solution fails with its message and its counterexample replays', async () => {
    const { verdict } = await grade(fs.readFileSync(`${exerciseDir}/wrong/increment-only-when-behind.rhai`, 'utf8'));
    const passed = new RegExp(`(\\d+) of ${caseCounts(exerciseDir).total} cases pass`).exec(verdict);
    expect(passed && Number(passed[1]) < caseCounts(exerciseDir).total, verdict);
    const results = await ex.locator('[data-testid=results]').textContent();
    expect(results.includes('A receive is itself an event on this node'), results);
    expect(results.includes('clock condition broken'), results);
    await ex.locator('[data-testid=replay]').first().click();
    const cx = ex.locator('[data-testid=counterexample]');
    await cx.waitFor();
    await cx.locator('[data-testid=st-event]').first().waitFor();
    // The click takes the learner to the replay: focused, and its top in the window.
    const where = await page.evaluate(() => {
      const el = document.querySelector('[data-exercise=lamport-rules] [data-testid=counterexample]');
      return { focused: document.activeElement === el, top: el.getBoundingClientRect().top, height: window.innerHeight };
    });
    expect(where.focused && where.top >= -1 && where.top < where.height, `the replay is focused and in view: ${JSON.stringify(where)}`);
    expect(await cx.locator('.st-event.failed').count() > 0, 'the failing event is marked');
    for (let i = 0; i < 8; i++) await cx.locator('[data-testid=step]').click();
    expect((await cx.locator('[data-testid=event-log]').textContent()).includes('STAMP'), 'the recording plays');
    await cx.screenshot({ path: `${OUT}/counterexample.png` });
  });

  await check('a syntax error marks its line', async () => {
    const { verdict } = await grade('fn tick(clock) {\n  clock +\n}\nfn receive(clock, msg_time) { clock }');
    expect(verdict.includes('does not compile') && verdict.includes('line'), verdict);
    expect(await ex.locator('.gutter .error').count() === 1, 'one gutter line marked');
  });

  await check('hostile scripts are stopped with a message and the page answers every click within 100 ms meanwhile', async () => {
    for (const [code, msg] of [
      ['fn tick(clock) { loop { } }\nfn receive(clock, msg_time) { clock }', 'loop that never ends'],
      ['fn tick(clock) { tick(clock) }\nfn receive(clock, msg_time) { clock }', 'nested calls'],
      ['fn tick(clock) { let a = []; loop { a.push(1); } }\nfn receive(clock, msg_time) { clock }', 'too large'],
      ['fn tick(clock) { let a = [3, 1, 2]; a.sort(|x, y| { loop { } }); clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }', 'one call may run'],
      ['fn tick(clock) { sleep(1000); clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }', '`sleep` is not available'],
      [`fn tick(clock) { clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }\n${'// padding\n'.repeat(9000)}`, 'more than the 64 KB'],
    ]) {
      const started = Date.now();
      if (code.length > 10000) {
        // As a paste arrives: the whole text and one input event. (Playwright's fill types it
        // through Chromium's text editing, which takes a minute for 40 KB in any textarea; the
        // page itself handles the event in milliseconds.)
        await ex.locator('[data-testid=editor]').evaluate((area, text) => {
          area.value = text;
          area.dispatchEvent(new InputEvent('input', { bubbles: true }));
        }, code);
      } else {
        await ex.locator('[data-testid=editor]').fill(code);
      }
      await ex.locator('[data-testid=run]').click();
      // While the workers grade, the page must still answer: step a cluster and see its log grow,
      // within 100 ms, as often as it can be clicked until the verdict.
      const three = '[data-testid=cluster-widget][data-scenario=three-nodes]';
      const first = await clickLatency(three);
      const rest = await latencyWhileGrading('[data-testid=exercise][data-exercise=lamport-rules]', three);
      const slowest = Math.round(Math.max(first, rest.max));
      expect(first >= 0 && slowest <= 100, `the page answered a click while grading in ${slowest} ms`);
      await ex.locator('[data-testid=verdict]').waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid=exercise] [data-testid=run]').textContent.includes('Running'), null, { timeout: 30000 });
      const shown = await ex.textContent();
      expect(shown.includes(msg), `${msg}: ${shown.slice(0, 400)}`);
      console.log(`     hostile script stopped in the page: "${msg}" shown ${Date.now() - started} ms after the click; the page answered ${rest.clicks + 1} clicks meanwhile, the slowest in ${slowest} ms`);
    }
  });

  await check("slow but finite code is stopped by its schedule's share of the grade budget, and the page answers meanwhile", async () => {
    await ex.locator('[data-testid=editor]').fill('fn tick(clock) { let s = 0; for i in 0..60000 { s += i; } clock + 1 }\nfn receive(clock, msg_time) { max(clock, msg_time) + 1 }');
    const started = Date.now();
    await ex.locator('[data-testid=run]').click();
    const three = '[data-testid=cluster-widget][data-scenario=three-nodes]';
    const first = await clickLatency(three);
    const rest = await latencyWhileGrading('[data-testid=exercise][data-exercise=lamport-rules]', three);
    const slowest = Math.round(Math.max(first, rest.max));
    expect(first >= 0 && slowest <= 100, `the page answered a click while grading in ${slowest} ms`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=exercise] [data-testid=run]').textContent.includes('Running'), null, { timeout: 60000 });
    const results = await ex.locator('[data-testid=results]').textContent();
    expect(results.includes('operations budget'), results.slice(0, 400));
    console.log(`     slow script stopped by the budget after ${Date.now() - started} ms`);
  });

  await check('hints come one at a time and the reference is offered', async () => {
    await ex.locator('[data-testid=hint]').click();
    expect(await ex.locator('[data-testid=hints] li').count() === 1, 'one hint');
    await ex.locator('[data-testid=show-reference]').click();
    expect((await ex.locator('[data-testid=reference]').textContent()).includes('max(clock, msg_time) + 1'), 'reference shown');
  });

  await check('code is saved per exercise across reloads', async () => {
    await ex.locator('[data-testid=editor]').fill('// my work in progress\nfn tick(clock) { clock + 1 }');
    await page.reload();
    await ex.waitFor();
    const v = await ex.locator('[data-testid=editor]').inputValue();
    expect(v.startsWith('// my work in progress'), v);
  });

  await check('Raft vote exercise: the reference passes and granting without the log check is caught and replayed', async () => {
    await page.goto(`${base}#/lesson/raft-safety`);
    const rx = page.locator('[data-testid=exercise][data-exercise=raft-vote]');
    await rx.waitFor({ timeout: 20000 });
    await graderReady(page, '[data-exercise=raft-vote]');
    async function gradeRaft(code) {
      await rx.locator('[data-testid=editor]').fill(code);
      const started = Date.now();
      await rx.locator('[data-testid=run]').click();
      await rx.locator('[data-testid=verdict]').waitFor({ timeout: 60000 });
      await page.waitForFunction(() => !document.querySelector('[data-exercise=raft-vote] [data-testid=run]').textContent.includes('Running'), null, { timeout: 60000 });
      return { verdict: await rx.locator('[data-testid=verdict]').textContent(), ms: Date.now() - started };
    }
    const dir = 'lessons/exercises/raft-vote';
    const right = await gradeRaft(fs.readFileSync(`${dir}/reference.rhai`, 'utf8'));
    expect(right.verdict.includes(`All ${caseCounts(dir).total} cases pass`), right.verdict);
    const worker = /Graded in (\d+) ms by (\d+ workers?)/.exec(right.verdict);
    console.log(`bench grade wasm (headless Chromium, grader workers): raft-vote reference, ${caseCounts(dir).text}: ${worker ? `${worker[1]} ms from request to merged report by ${worker[2]}` : '?'}, ${right.ms} ms click to verdict`);
    const wrong = await gradeRaft(fs.readFileSync(`${dir}/wrong/no-up-to-date-check.rhai`, 'utf8'));
    expect(!wrong.verdict.includes('All'), wrong.verdict);
    const results = await rx.locator('[data-testid=results]').textContent();
    expect(results.includes('leader completeness'), results);
    await rx.locator('[data-testid=replay]').first().click();
    const cx = rx.locator('[data-testid=counterexample]');
    await cx.waitFor();
    for (let i = 0; i < 5; i++) await cx.locator('[data-testid=step]').click();
    expect((await cx.locator('[data-testid=event-log]').textContent()).length > 0, 'the recording plays');
    await rx.screenshot({ path: `${OUT}/raft-exercise.png` });
    // Share the failure with the code; someone opening the link can load the code into the exercise.
    await cx.locator('[data-testid=share-failure]').click();
    const link = await cx.locator('[data-testid=share-failure-link]').inputValue();
    const shared = fs.readFileSync(`${dir}/wrong/no-up-to-date-check.rhai`, 'utf8');
    await rx.locator('[data-testid=editor]').fill('// something else');
    // Another tab of the same browser (same storage): loading there reaches this tab too.
    const other = await page.context().newPage();
    await other.goto(link);
    await other.locator('[data-testid=load-code]').waitFor({ timeout: 20000 });
    expect((await other.locator('.shared-code pre').textContent()) === shared, 'the link carries the code');
    await other.locator('[data-testid=load-code]').click();
    await other.locator('.shared-code .ok').waitFor();
    await other.close();
    // This tab heard the other one (a storage event) and did not write its stale copy back.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    const stored = await page.evaluate(() => localStorage.getItem('netsplit.v1.progress'));
    expect(stored.includes('code raft-vote //%20Votes'), `stored: ${stored.slice(-200)}`);
    await page.reload();
    await rx.waitFor({ timeout: 20000 });
    const loaded = await rx.locator('[data-testid=editor]').inputValue();
    expect(loaded === shared, `the shared code is loaded into the exercise: ${JSON.stringify(loaded.slice(0, 80))} vs ${JSON.stringify(shared.slice(0, 80))}; stored: ${JSON.stringify((await page.evaluate(() => localStorage.getItem('netsplit.v1.progress'))).slice(-300))}`);
  });

  // Grades code in one Raft exercise of the open page; while it runs, samples the progress bar and
  // the main thread's longest gap between animation frames (the page must stay responsive).
  async function gradeIn(id, code, widget = null) {
    const rx = page.locator(`[data-testid=exercise][data-exercise=${id}]`);
    await rx.locator('[data-testid=editor]').fill(code);
    await page.evaluate(() => {
      window.__gaps = { max: 0, last: performance.now(), on: true };
      const tick = (t) => { const g = window.__gaps; if (!g.on) return; g.max = Math.max(g.max, t - g.last); g.last = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    const started = Date.now();
    await rx.locator('[data-testid=run]').click();
    const seen = new Set();
    let slowestClick = 0, clicks = 0;
    while (true) {
      const v = await rx.locator('[data-testid=grade-progress]').getAttribute('value', { timeout: 50 }).catch(() => null);
      if (v !== null) seen.add(v);
      const label = await rx.locator('[data-testid=run]').textContent();
      if (!label.includes('Running')) break;
      if (Date.now() - started > 60000) throw new Error('grading did not finish in 60 s');
      if (widget) {
        const t = await clickLatency(widget);
        if (t >= 0) { slowestClick = Math.max(slowestClick, t); clicks += 1; }
      } else {
        await page.waitForTimeout(20);
      }
    }
    const ms = Date.now() - started;
    const maxGap = await page.evaluate(() => { window.__gaps.on = false; return window.__gaps.max; });
    const verdict = await rx.locator('[data-testid=verdict]').textContent();
    const worker = /Graded in (\d+) ms by (\d+ workers?)/.exec(verdict);
    return { rx, verdict, ms, worker: worker ? Number(worker[1]) : null, workers: worker ? worker[2] : '?', progress: seen.size, maxGap: Math.round(maxGap), slowestClick: Math.round(slowestClick), clicks };
  }

  // An exercise graded as a learner would grade it: the reference passes every case (its timing
  // printed), a known-wrong solution fails with `messages` among its results, and its first
  // failing run opens for replay. Returns the wrong grade and the replay.
  async function gradeRightThenWrong(lesson, id, wrongFile, messages) {
    await page.goto(`${base}#/lesson/${lesson}`);
    await graderReady(page, `[data-exercise=${id}]`);
    const dir = `lessons/exercises/${id}`;
    const right = await gradeIn(id, fs.readFileSync(`${dir}/reference.rhai`, 'utf8'));
    expect(right.verdict.includes(`All ${caseCounts(dir).total} cases pass`), right.verdict);
    console.log(`bench grade wasm (headless Chromium, grader workers): ${id} reference, ${caseCounts(dir).text}: ${right.worker} ms from request to merged report by ${right.workers}, ${right.ms} ms click to verdict`);
    const wrong = await gradeIn(id, fs.readFileSync(`${dir}/wrong/${wrongFile}`, 'utf8'));
    expect(!wrong.verdict.includes('All'), wrong.verdict);
    const results = await wrong.rx.locator('[data-testid=results]').textContent();
    expect(messages.every((m) => results.includes(m)), `${messages.join(' and ')} in: ${results.slice(0, 800)}`);
    await wrong.rx.locator('[data-testid=replay]').first().click();
    const cx = wrong.rx.locator('[data-testid=counterexample]');
    await cx.waitFor();
    return { wrong, cx };
  }

  await check('Raft AppendEntries exercise: the reference passes, truncating on a match is caught and replayed with the logs', async () => {
    const { cx } = await gradeRightThenWrong('raft-log-replication', 'raft-append', 'truncate-on-match.rhai', ['Cutting after a matching entry', 'state machine safety']);
    await cx.locator('[data-testid=step]').click();
    // The replay shows what the servers held, not only the messages: a log row per server.
    await cx.locator('[data-testid=log-grid]').waitFor();
    expect(await cx.locator('[data-testid=log-grid] tr[data-testid^=log-]').count() >= 3, 'a log row per server (the smallest case has three)');
  });

  // A click on a live cluster is answered by the lab worker, which shares the machine's cores with
  // the grader workers while a grade runs: its bound is the lab's round trip under that load. The
  // page's own thread is bounded by the longest gap between its frames.
  await check('failure-detector exercise: the reference passes, forgetting the minimum deviation is caught in a run and its counterexample replays', async () => {
    const { cx } = await gradeRightThenWrong('failure-detectors', 'failure-detector', 'no-minimum-deviation.rhai', ['the minimum holds σ at 10 ms', 'with the minimum of']);
    await cx.locator('[data-testid=step]').click();
    await eventually(async () => (await cx.locator('[data-testid=event-log] li').count()) > 0, 'the replay shows the run');
  });

  await check('flp-adversary exercise: the reference keeps every run undecided, an adversary that never crashes is caught and its deciding run replays', async () => {
    const { wrong, cx } = await gradeRightThenWrong('flp', 'flp-adversary', 'never-crashes.rhai', ['spend the crash there', 'decides 0']);
    for (let i = 0; i < 8; i++) await cx.locator('[data-testid=step]').click();
    await eventually(async () => (await cx.locator('[data-testid=event-log]').textContent()).includes('decides'), 'the replay reaches the decision');
    // The replay shows what each process held, recorded from a second run of the same rule.
    await eventually(async () => (await cx.textContent()).includes('decided 0'), 'a badge says who decided');
    await wrong.rx.screenshot({ path: `${OUT}/flp-exercise.png` });
  });

  await check('a lesson\'s measured table waits while its exercise is graded and goes on after, so the graders have the cores', async () => {
    // A fresh load, so that the table starts over (going to the same lesson by its hash would
    // keep the one measured already).
    await page.goto('about:blank');
    await page.goto(`${base}#/lesson/flp`);
    await graderReady(page, '[data-exercise=flp-adversary]');
    const m = page.locator('[data-testid=measure][data-measure=flp-rounds]');
    expect((await m.getAttribute('data-done')) === 'false', 'the table is still being measured when the grade starts');
    // Every seed the table counts, stamped in the page.
    await page.evaluate(() => {
      const f = document.querySelector('[data-measure=flp-rounds]');
      window.__seeds = [];
      window.__said = [];
      new MutationObserver(() => {
        window.__seeds.push([performance.now(), Number(f.getAttribute('data-done-seeds'))]);
        window.__said.push([performance.now(), f.querySelector('.measure-status').textContent]);
      }).observe(f, { attributes: true, attributeFilter: ['data-done-seeds'] });
    });
    const before = await page.evaluate(() => performance.now());
    const right = await gradeIn('flp-adversary', fs.readFileSync('lessons/exercises/flp-adversary/reference.rhai', 'utf8'));
    const after = await page.evaluate(() => performance.now());
    expect(right.verdict.includes('All'), right.verdict);
    // A seed is about a second of work: the one being computed when the grade began may land.
    const during = await page.evaluate(([a, b]) => window.__seeds.filter(([t]) => t >= a && t <= b).length, [before, after]);
    expect(during <= 1, `${during} seeds measured during a ${right.worker} ms grade`);
    // The seed that landed during the grade said why the count stopped.
    const said = await page.evaluate(([a, b]) => window.__said.filter(([t]) => t >= a && t <= b).map(([, s]) => s), [before, after]);
    expect(during === 0 || said.some((s) => /waiting while an exercise is graded/.test(s)), `the status during the grade: ${said.join(' | ')}`);
    const last = Number(await m.getAttribute('data-done-seeds'));
    await eventually(async () => Number(await m.getAttribute('data-done-seeds')) > last, 'the table goes on after the grade', 20000);
    console.log(`     measured table during a grade: ${during} seed(s) in ${right.worker} ms of grading, then on from ${last} of 40`);
  });

  await check('Raft commit exercise: 500 schedules graded by the workers with progress shown, the page drawing throughout and a live cluster answering clicks within 250 ms; counting old-term replicas is caught by Figure 8', async () => {
    await page.goto(`${base}#/lesson/raft-safety`);
    await graderReady(page, '[data-exercise=raft-commit]');
    const dir = 'lessons/exercises/raft-commit';
    const right = await gradeIn('raft-commit', fs.readFileSync(`${dir}/reference.rhai`, 'utf8'), '[data-testid=cluster-widget][data-scenario=minority-leader]');
    expect(right.clicks >= 3 && right.slowestClick <= 250, `the page answered ${right.clicks} clicks while grading, the slowest in ${right.slowestClick} ms`);
    expect(right.verdict.includes(`All ${caseCounts(dir).total} cases pass`), right.verdict);
    expect(right.progress >= 3, `progress moved through ${right.progress} values`);
    expect(right.maxGap < 200, `longest gap between frames while grading: ${right.maxGap} ms`);
    console.log(`bench grade wasm (headless Chromium, grader workers): raft-commit reference, ${caseCounts(dir).text} (200 of them played by the Figure 8 adversary): ${right.worker} ms from request to merged report by ${right.workers}, ${right.ms} ms click to verdict; progress bar showed ${right.progress} values; longest frame gap on the page ${right.maxGap} ms; ${right.clicks} clicks answered meanwhile, the slowest in ${right.slowestClick} ms`);
    const wrong = await gradeIn('raft-commit', fs.readFileSync(`${dir}/wrong/counts-old-terms.rhai`, 'utf8'));
    const results = await wrong.rx.locator('[data-testid=results]').textContent();
    expect(results.includes('Figure 8, played by an adversary') && results.includes('leader completeness'), results.slice(0, 800));
    await wrong.rx.locator('[data-testid=replay]').last().click();
    const cx = wrong.rx.locator('[data-testid=counterexample]');
    await cx.waitFor();
    for (let i = 0; i < 3; i++) await cx.locator('[data-testid=step]').click();
    await cx.locator('[data-testid=log-grid]').waitFor();
    await wrong.rx.screenshot({ path: `${OUT}/raft-commit-exercise.png` });
  });

  await check('two exercises on one page share one worker per core, and grades asked for together both finish', async () => {
    await page.goto(`${base}#/lesson/raft-safety`);
    for (const id of ['raft-vote', 'raft-commit']) {
      await graderReady(page, `[data-exercise=${id}]`);
    }
    const cores = await page.evaluate(() => Math.min(Math.max(navigator.hardwareConcurrency || 1, 1), 8));
    const graders = page.workers().filter((w) => w.url().includes('grader-worker')).length;
    expect(graders === cores, `${graders} grader workers for ${cores} cores and two exercises`);
    for (const id of ['raft-vote', 'raft-commit']) {
      await page.locator(`[data-exercise=${id}] [data-testid=editor]`).fill(fs.readFileSync(`lessons/exercises/${id}/reference.rhai`, 'utf8'));
    }
    // Both at once: the second waits for the first, and each hears only its own report.
    await page.locator('[data-exercise=raft-vote] [data-testid=run]').click();
    await page.locator('[data-exercise=raft-commit] [data-testid=run]').click();
    for (const id of ['raft-vote', 'raft-commit']) {
      await page.waitForFunction((id) => /All \d+ cases pass/.test(document.querySelector(`[data-exercise=${id}] [data-testid=verdict]`)?.textContent ?? ''), id, { timeout: 60000 });
      const verdict = await page.locator(`[data-exercise=${id}] [data-testid=verdict]`).textContent();
      expect(verdict.includes(`All ${caseCounts(`lessons/exercises/${id}`).total} cases pass`), `${id}: ${verdict}`);
    }
  });

  await check('a prediction is asked in the prose before the run it predicts, and counts in the lesson\'s quiz', async () => {
    await page.goto(`${base}#/lesson/two-generals`);
    const inline = page.locator('[data-testid=quiz-inline]');
    await inline.first().waitFor({ timeout: 20000 });
    const item = inline.locator('[data-testid=quiz-item][data-item=predict-more-rounds]');
    expect(await item.count() === 1, 'the predict item is asked in place');
    const before = await page.evaluate(() => {
      const q = document.querySelector('[data-testid=quiz-inline] [data-item=predict-more-rounds]');
      const w = document.querySelector('article [data-testid=cluster-widget][data-scenario=more-rounds]');
      return !!(q && w && (q.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING));
    });
    expect(before, 'the prediction comes before the widget whose prose narrates the outcome');
    expect(await page.locator('[data-testid=quiz] [data-item=predict-more-rounds]').count() === 0, 'and is not asked again at the end');
    await item.scrollIntoViewIfNeeded();
    await item.locator('[data-testid=quiz-choice] input').first().check();
    await item.locator('[data-testid=quiz-check]').click();
    await item.locator('[data-testid=quiz-verdict]').waitFor();
    const score = await page.locator('[data-testid=quiz] [data-testid=quiz-score]').textContent();
    expect(/Score: \d of 8 right \(1 answered, counting the questions above\)/.test(score), score);
    await item.locator('[data-testid=quiz-retry]').click();
    await page.locator('[data-testid=quiz] [data-testid=quiz-score]').filter({ hasText: '8 questions, 1 of them asked above' }).waitFor({ timeout: 5000 });
  });

  await check('a quiz answer is scored, survives a reload, and the course map shows the visit', async () => {
    await page.goto(`${base}#/lesson/two-generals`);
    const quiz = page.locator('[data-testid=quiz]');
    await quiz.waitFor({ timeout: 20000 });
    const first = quiz.locator('[data-testid=quiz-item]').first();
    await first.scrollIntoViewIfNeeded();
    await first.locator('[data-testid=quiz-choice] input').first().check();
    await first.locator('[data-testid=quiz-check]').click();
    await first.locator('[data-testid=quiz-verdict]').waitFor();
    const whys = await first.locator('.why').count();
    const choices = await first.locator('[data-testid=quiz-choice]').count();
    expect(whys === choices, `every choice explained: ${whys} of ${choices}`);
    const score = await quiz.locator('[data-testid=quiz-score]').textContent();
    expect(/Score: \d of 8 right \(1 answered, counting the questions above\)/.test(score), score);
    // An order item: move a step, check, and the right order is shown if wrong.
    const order = quiz.locator('[data-testid=quiz-item]:has([data-testid=quiz-order])').first();
    await order.locator('[data-testid=quiz-down]').first().click();
    await order.locator('[data-testid=quiz-check]').click();
    await order.locator('[data-testid=quiz-verdict]').waitFor();
    await quiz.screenshot({ path: `${OUT}/quiz.png` });
    await page.reload();
    await quiz.waitFor({ timeout: 20000 });
    const again = await quiz.locator('[data-testid=quiz-score]').textContent();
    expect(again.includes('(2 answered'), `after reload: ${again}`);
    expect(await quiz.locator('[data-testid=quiz-verdict]').count() === 2, 'both verdicts restored');
    await page.goto(base);
    const card = page.locator('[data-testid=lesson-card][data-lesson=two-generals] [data-testid=lesson-progress]');
    expect((await card.textContent()).includes('2 of 8'), await card.textContent());
    expect((await page.locator('[data-testid=continue]').textContent()).includes('two generals'), 'continue where you left off');
  });

  await check('export, reset, then import restores everything; a foreign file is refused and overwrites nothing', async () => {
    await page.goto(base);
    const panel = page.locator('[data-testid=progress-panel]');
    await panel.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('[data-testid=export]').click()]);
    const file = `${OUT}/progress-export.txt`;
    await download.saveAs(file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('netsplit-progress 1\n') && text.includes('answer two-generals/'), text.slice(0, 200));
    const stored = () => page.evaluate(() => localStorage.getItem('netsplit.v1.progress'));
    const before = await stored();
    // A foreign file: refused with a reason, nothing changed.
    fs.writeFileSync(`${OUT}/foreign.json`, '{"hello": "world"}');
    await panel.locator('[data-testid=import]').setInputFiles(`${OUT}/foreign.json`);
    await panel.locator('[data-testid=progress-message]').waitFor();
    const refused = await panel.locator('[data-testid=progress-message]').textContent();
    expect(refused.includes('not a Netsplit progress file') && refused.includes('Nothing was changed'), refused);
    expect(await stored() === before, 'a refused import overwrites nothing');
    // Reset asks first.
    await panel.locator('[data-testid=reset]').click();
    await panel.locator('[data-testid=reset-confirm]').click();
    expect(!(await stored()).includes('answer'), 'reset erased the answers');
    await panel.locator('[data-testid=import]').setInputFiles(file);
    await page.locator('[data-testid=progress-notice]').waitFor();
    expect(await stored() === before, `import restored everything:\n${await stored()}\n---\n${before}`);
    await page.locator('[data-testid=progress-notice] button').click();
  });

  await check('corrupt or damaged saved progress is recovered with a notice, never a blank page', async () => {
    await page.evaluate(() => localStorage.setItem('netsplit.v1.progress', '\u0000garbage{{{'));
    await page.reload();
    await page.locator('[data-testid=progress-notice]').waitFor({ timeout: 20000 });
    const n1 = await page.locator('[data-testid=progress-notice]').textContent();
    expect(n1.includes('could not be read') && n1.includes('kept aside'), n1);
    expect(await page.locator('[data-testid=course-map]').isVisible(), 'the course map still shows');
    expect((await page.evaluate(() => localStorage.getItem('netsplit.v1.progress.damaged'))).includes('garbage'), 'the damaged record is kept');
    await page.evaluate(() => localStorage.setItem('netsplit.v1.progress', 'netsplit-progress 1\nvisited raft-safety\nanswer two-generals/x c#\nlast raft-safety\n'));
    await page.reload();
    await page.locator('[data-testid=progress-notice]').waitFor({ timeout: 20000 });
    const n2 = await page.locator('[data-testid=progress-notice]').textContent();
    expect(n2.includes('1 line(s) could not be read') && n2.includes('line 3'), n2);
    expect((await page.locator('[data-testid=continue]').textContent()).includes('safety'), 'the readable lines were kept');
    await page.screenshot({ path: `${OUT}/recovered.png` });
    await page.locator('[data-testid=progress-notice] button').click();
  });

  await check('a 1 MB paste is refused for saving where it is typed and costs nothing else; a set-aside record is restored from the progress panel', async () => {
    // As the audit did: answer a quiz item, then paste a megabyte into an exercise, then reload.
    await page.goto(`${base}#/lesson/two-generals`);
    const item = page.locator('[data-testid=quiz] [data-testid=quiz-item]').first();
    await item.waitFor({ timeout: 20000 });
    await item.scrollIntoViewIfNeeded();
    await item.locator('[data-testid=quiz-choice] input').first().check();
    await item.locator('[data-testid=quiz-check]').click();
    await item.locator('[data-testid=quiz-verdict]').waitFor();
    await page.goto(`${base}#/lesson/lamport-clocks`);
    const lamport = page.locator('[data-testid=exercise][data-exercise=lamport-rules]');
    await lamport.waitFor({ timeout: 20000 });
    const before = await lamport.locator('[data-testid=editor]').inputValue();
    const big = `// pasted\n${'let x = 1;\n'.repeat(100000)}`;
    // One input event with the whole text, as a paste makes (Playwright's fill of 100,000 lines
    // takes minutes by itself).
    const pasteMs = await page.evaluate(async (big) => {
      const area = document.querySelector('[data-exercise=lamport-rules] [data-testid=editor]');
      const t0 = performance.now();
      area.value = big;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return Math.round(performance.now() - t0);
    }, big);
    const tooLarge = lamport.locator('[data-testid=code-too-large]');
    await tooLarge.waitFor({ timeout: 10000 });
    const said = await tooLarge.textContent();
    expect(said.includes('64 KB') && said.includes(`${Math.ceil(big.length / 1024)} KB`), said);
    const record = await page.evaluate(() => localStorage.getItem('netsplit.v1.progress'));
    expect(record.length < 100000 && record.includes('visited two-generals') && record.includes('answer two-generals/'), `the record keeps the rest and not the paste: ${record.length} bytes`);
    await page.reload();
    await lamport.waitFor({ timeout: 20000 });
    expect(await lamport.locator('[data-testid=editor]').inputValue() === before, 'the last code under the cap comes back');
    expect(await page.locator('[data-testid=progress-notice]').count() === 0, 'no notice: nothing was lost');
    console.log(`     a ${Math.round(big.length / 1024)} KB paste of 100,001 lines: ${pasteMs} ms from the input event to the next frame`);
    // A record set aside (unreadable header, one line over the code cap) is offered back.
    const aside = `\u0000garbage{{{\nvisited hybrid-logical-clocks\nanswer hybrid-logical-clocks/x c1\ncode vector-clocks ${'y'.repeat(70000)}\n`;
    await page.evaluate((t) => localStorage.setItem('netsplit.v1.progress.damaged', t), aside);
    await page.goto(base);
    const offer = page.locator('[data-testid=set-aside]');
    await offer.waitFor({ timeout: 20000 });
    expect((await offer.textContent()).includes('KB'), await offer.textContent());
    await offer.locator('[data-testid=restore-set-aside]').click();
    const notice = page.locator('[data-testid=progress-notice]');
    await notice.waitFor({ timeout: 5000 });
    const n = await notice.textContent();
    expect(n.includes('Restored') && n.includes('1 lesson(s) visited, 1 quiz answer(s)') && n.includes('2 line(s) could not be read'), n);
    expect(await notice.isVisible() && (await notice.boundingBox()).y < 900, 'the notice is in view');
    const after = await page.evaluate(() => [localStorage.getItem('netsplit.v1.progress'), localStorage.getItem('netsplit.v1.progress.damaged')]);
    expect(after[0].includes('visited hybrid-logical-clocks') && after[0].includes('visited two-generals') && after[1] === null, `restored and merged: ${after[0].slice(0, 200)}`);
    await page.screenshot({ path: `${OUT}/set-aside-restored.png` });
    await notice.locator('button').click();
  });

  await check('a route change names the window after the page and moves focus to its heading; the skip link moves focus to the content', async () => {
    await page.goto(base);
    await page.locator('[data-testid=course-map]').waitFor({ timeout: 20000 });
    const home = await page.title();
    await page.locator('[data-testid=lesson-card][data-lesson=two-generals] a').first().click();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5000 });
    const [title, focused] = await page.evaluate(() => [document.title, document.activeElement.textContent]);
    expect(title !== home && title.includes(focused.trim()) && title.endsWith('· Netsplit'), `title "${title}", focused "${focused}", home "${home}"`);
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => !!document.activeElement.closest('main'));
    expect(next, 'the next Tab after navigation stays in the page, not the header');
    await page.goto(`${base}#/playground`);
    await page.waitForFunction(() => document.title.startsWith('Playground'), null, { timeout: 5000 });
    await page.reload();
    await page.locator('main h1').waitFor({ timeout: 20000 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'the first Tab reaches the skip link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement.id === 'main'), 'the skip link focuses the content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement.closest('main')), 'and the next Tab is inside it');
  });

  await check('each cluster ring is one tab stop, and the arrow keys move between its nodes and links', async () => {
    await page.goto(`${base}#/lesson/two-generals`);
    const ring = page.locator('svg.ring').first();
    await ring.waitFor({ timeout: 20000 });
    const perRing = await page.evaluate(() => [...document.querySelectorAll('svg.ring')].map((r) => r.querySelectorAll('[tabindex="0"]').length));
    expect(perRing.length > 0 && perRing.every((c) => c === 1), `tab stops per ring: ${perRing}`);
    const stops = await page.evaluate(() => [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex="0"]')]
      .filter((e) => e.getClientRects().length > 0 && e.tabIndex >= 0).length);
    console.log(`     lesson 1: ${stops} tab stops in all, one per ring (${perRing.length} rings)`);
    await ring.locator('[data-testid=node-0]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement.dataset.testid) === 'node-1', 'ArrowRight goes to the next node');
    await page.keyboard.press('End');
    const link = await page.evaluate(() => document.activeElement.dataset.testid);
    expect(/^link-\d+-\d+$/.test(link), `End goes to the last link: ${link}`);
    await page.keyboard.press('Enter');
    await eventually(async () => (await ring.locator(`[data-testid=${link}]`).getAttribute('class')).includes('cut'), 'Enter on a link cuts it');
    expect(await ring.locator('[tabindex="0"]').count() === 1 && await ring.locator(`[data-testid=${link}]`).getAttribute('tabindex') === '0', 'the tab stop stays where focus was');
  });

  await check('the header and the page fit a 320 px screen (WCAG 1.4.10 reflow)', async () => {
    const narrow = await browser.newPage({ viewport: { width: 320, height: 640 } });
    for (const route of ['', '#/playground', '#/assessment', '#/lesson/two-generals', '#/lesson/vector-clocks', '#/lesson/raft-safety']) {
      await narrow.goto(`${base}${route}`);
      await narrow.locator('main h1').waitFor({ timeout: 20000 });
      await narrow.locator('main [data-testid=cluster-widget], main [data-testid=course-map], main [data-testid=quiz]').first().waitFor({ timeout: 20000 });
      const [header, page] = await narrow.evaluate(() => [document.querySelector('.site-header').scrollWidth, document.documentElement.scrollWidth]);
      expect(header <= 320 && page <= 320, `${route || 'home'}: header ${header} px, page ${page} px wide at 320`);
    }
    await narrow.close();
  });

  await check('axe-core finds no violation on any route, in light and dark mode and on a phone, as loaded and after crashing a node and playing; no id is used twice', async () => {
    const found = [];
    const counts = [];
    for (const [scheme, width] of [['light', 1280], ['dark', 1280], ['light', 390]]) {
      // axe is injected as a script, which the site's CSP would refuse.
      const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true,
        viewport: { width, height: 900 }, hasTouch: width < 500, isMobile: width < 500 });
      const p = await context.newPage();
      let nodes = 0;
      for (const route of ROUTES) {
        const { loaded, played } = await auditRoute(p, `${base}${route}`);
        for (const [when, v] of [['loaded', loaded], ['played', played]]) {
          nodes += v.reduce((a, r) => a + r.nodes.length, 0);
          for (const line of describe(v)) found.push(`${scheme} ${width}px ${route} ${when}: ${line}`);
        }
        for (const d of await duplicateIds(p)) found.push(`${scheme} ${width}px ${route}: duplicate id ${d}`);
      }
      counts.push(`${scheme} ${width} px: ${nodes}`);
      await context.close();
    }
    console.log(`     axe-core violations over ${ROUTES.length} routes, as loaded and after playing: ${counts.join(', ')}`);
    expect(found.length === 0, found.join('\n'));
  });

  await check('the whole learner path by keyboard alone: open a lesson, crash, step, scrub, partition, write and run an exercise, replay its failure, answer a quiz item', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    p.on('pageerror', (e) => errors.push(String(e)));
    // Presses Tab until the focused element passes `test` (run in the page with `arg`).
    let presses = 0;
    async function tabTo(what, test, arg) {
      for (let i = 0; i < 400; i++) {
        await p.keyboard.press('Tab');
        presses++;
        if (await p.evaluate(test, arg)) return;
      }
      throw new Error(`400 Tabs never reached ${what}`);
    }
    const focused = () => p.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);
    await p.goto(base);
    await p.locator('[data-testid=course-map]').waitFor({ timeout: 20000 });
    await tabTo('the Lamport lesson\'s link', () => document.activeElement.tagName === 'A' && !!document.activeElement.closest('[data-lesson=lamport-clocks]'));
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.activeElement?.tagName === 'H1' && /Lamport/.test(document.activeElement.textContent), null, { timeout: 10000 });
    // The live views arrive after the prose (their own module): the learner sees "Loading the live
    // cluster…" until then.
    await p.locator('.prose [data-testid=cluster-widget]').first().waitFor({ timeout: 20000 });
    const sel = await p.evaluate(() => `[data-testid=cluster-widget][data-scenario=${document.querySelector('.prose [data-testid=cluster-widget]').dataset.scenario}]`);
    const w = p.locator(sel);
    // The cluster draws once the lab worker has sent its first frame ("Starting the lab…" until
    // then); the learner tabs to what is drawn.
    await w.first().locator('[data-testid^=node-]').first().waitFor({ timeout: 10000 });
    const inWidget = ([s, t]) => document.activeElement.matches(`[data-testid${t}]`) && !!document.activeElement.closest(s);
    await tabTo('a node of the first cluster', inWidget, [sel, '^=node-']);
    const node = await focused();
    await p.keyboard.press('c');
    await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes(`CRASH n${node.slice(5)}`), `C on ${node} crashes it`);
    await tabTo('the Step button', inWidget, [sel, '=step']);
    await p.keyboard.press('Enter');
    await p.keyboard.press('Enter');
    const stepOf = async () => Number(/step (\d+) of/.exec(await w.locator('.timeline span').textContent())[1]);
    await eventually(async () => await stepOf() >= 2, `Enter on Step twice: step ${await stepOf()}`);
    await tabTo('the timeline', inWidget, [sel, '=timeline']);
    await p.keyboard.press('Home');
    await p.waitForFunction((s) => /step 0 of/.test(document.querySelector(`${s} .timeline span`).textContent), sel, { timeout: 5000 });
    await p.keyboard.press('ArrowRight');
    await p.waitForFunction((s) => /step 1 of/.test(document.querySelector(`${s} .timeline span`).textContent), sel, { timeout: 5000 });
    await tabTo('a partition chip', inWidget, [sel, '^=chip-']);
    await p.keyboard.press('ArrowRight');
    await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes('PART'), 'ArrowRight on a chip partitions');
    const exSel = '[data-testid=exercise][data-exercise=lamport-rules]';
    await graderReady(p, exSel);
    await tabTo('the exercise\'s editor', ([s]) => document.activeElement.matches(`${s} [data-testid=editor]`), [exSel]);
    await p.keyboard.press('Control+A');
    await p.keyboard.insertText(fs.readFileSync(`${exerciseDir}/wrong/receive-ignores-message.rhai`, 'utf8'));
    await p.keyboard.press('Control+Enter');
    await p.waitForFunction((s) => /cases pass/.test(document.querySelector(`${s} [data-testid=verdict]`)?.textContent ?? '')
      && !document.querySelector(`${s} [data-testid=run]`).textContent.includes('Running'), exSel, { timeout: 60000 });
    const verdict = await p.locator(`${exSel} [data-testid=verdict]`).textContent();
    expect(!/All \d+ cases pass/.test(verdict), `the wrong solution fails: ${verdict}`);
    await p.keyboard.press('Escape');
    await tabTo('"Replay this failure"', ([s]) => document.activeElement.matches(`${s} [data-testid=replay]`), [exSel]);
    await p.keyboard.press('Enter');
    await p.waitForFunction((s) => document.activeElement === document.querySelector(`${s} [data-testid=counterexample]`), exSel, { timeout: 5000 });
    await tabTo('a quiz choice', () => document.activeElement.matches('[data-testid=quiz-item] input[type=radio]'));
    const item = await p.evaluate(() => document.activeElement.closest('[data-testid=quiz-item]').dataset.item);
    await p.keyboard.press('Space');
    await tabTo('the item\'s Check button', (it) => document.activeElement.matches(`[data-item="${it}"] [data-testid=quiz-check]`), item);
    await p.keyboard.press('Enter');
    await p.locator(`[data-testid=quiz-item][data-item="${item}"] [data-testid=quiz-verdict]`).waitFor({ timeout: 5000 });
    console.log(`     keyboard only: ${presses} Tab presses from the course map to a checked quiz answer`);
    await context.close();
  });

  await check('in the asynchronous model the learner is the scheduler: nothing happens until a held message is chosen', async () => {
    const fragment = fs.readFileSync('tests/e2e/fixtures/asynchronous-heartbeat.link', 'utf8').trim();
    await page.goto(`${base}${fragment}`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=shared]');
    await w.waitFor({ timeout: 20000 });
    // The first step applies the model; the second finds everything due held.
    await w.locator('[data-testid=step]').click();
    await w.locator('[data-testid=step]').click();
    await w.locator('[data-testid=held]').waitFor();
    expect((await w.locator('[data-testid=status]').textContent()).includes('wait to be chosen'), 'the status says events wait');
    const log = async () => w.locator('[data-testid=event-log]').textContent();
    expect(!(await log()).includes('RECV'), 'nothing arrives on its own');
    const waiting = await w.locator('[data-testid=held] li').count();
    const first = w.locator('[data-testid^=deliver-]').first();
    const label = await first.textContent();
    const msg = /Deliver (m\d+)/.exec(label)[1];
    await first.click();
    await page.waitForFunction((m) => document.querySelector('[data-scenario=shared] [data-testid=event-log]').textContent.includes(`RECV  n`) &&
      document.querySelector('[data-scenario=shared] [data-testid=event-log]').textContent.includes(` ${m} `), msg);
    expect((await w.locator('[data-testid=held] li').count()) === waiting - 1, 'the chosen message left the waiting list');
    await w.screenshot({ path: `${OUT}/asynchronous-scheduler.png` });
    await w.locator('[data-testid=release-all]').click();
    await page.waitForFunction(() => !document.querySelector('[data-scenario=shared] [data-testid=held]'));
  });

  await check('a share link reopens the same run, and a tampered link shows an error while the page works', async () => {
    await page.goto(`${base}#/playground`);
    const w = page.locator('[data-testid=cluster-widget][data-scenario=playground]');
    await w.waitFor({ timeout: 20000 });
    const stepOf = async (widget) => Number(/after step (\d+)/.exec(await widget.locator('.digest').textContent())[1]);
    // One step at a time, each drawn before the next click, as a learner watching would.
    const stepOnce = async (widget) => {
      const before = await stepOf(widget);
      await widget.locator('[data-testid=step]').click();
      await eventually(async () => await stepOf(widget) > before, `Step never moved past step ${before}`);
    };
    for (let i = 0; i < 12; i++) await stepOnce(w);
    await w.locator('[data-testid=node-2]').click();
    await w.locator('[data-testid=crash-toggle]').click();
    await eventually(async () => (await w.locator('[data-testid=event-log]').textContent()).includes('CRASH n2'), 'the crash shows');
    for (let i = 0; i < 25; i++) await stepOnce(w);
    const digest = await w.locator('[data-testid=digest]').textContent();
    const steps = await stepOf(w);
    await w.locator('[data-testid=share]').click();
    const link = await w.locator('[data-testid=share-link]').inputValue();
    expect(link.includes('#/run/a'), link);
    console.log(`     share link: ${link.length} characters for a 5-node run with one crash`);
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    other.on('pageerror', (e) => errors.push(String(e)));
    await other.goto(link);
    const sw = other.locator('[data-testid=cluster-widget][data-scenario=shared]');
    await sw.waitFor({ timeout: 20000 });
    while (await stepOf(sw) < steps) await stepOnce(sw);
    expect(await stepOf(sw) === steps, `stepped to ${await stepOf(sw)} of ${steps}`);
    const replayed = await sw.locator('[data-testid=digest]').textContent();
    expect(replayed === digest, `digest ${replayed} vs ${digest}`);
    expect((await sw.locator('[data-testid=event-log]').textContent()).includes('CRASH n2'), 'the crash replays');
    await other.screenshot({ path: `${OUT}/shared-run.png` });
    const tampered = link.slice(0, -6) + (link.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    await other.goto(tampered);
    await other.locator('[data-testid=link-error]').waitFor({ timeout: 20000 });
    expect((await other.locator('[data-testid=link-error]').textContent()).includes('altered'), 'tampering named');
    await other.goto(`${base}#/run/not-a-link`);
    await other.locator('[data-testid=link-error]').waitFor();
    await other.click('text=go to the course map');
    await other.locator('[data-testid=course-map]').waitFor();
    await other.close();
  });

  await check('a self-assessment topic links to the lesson section that teaches it, or names the lesson to come', async () => {
    await page.goto(`${base}#/assessment`);
    const topics = page.locator('[data-testid=assessment-topics]');
    await topics.waitFor({ timeout: 20000 });
    await topics.locator('summary').click();
    const coming = await topics.locator('[data-testid=topic-coming]').count();
    const taught = await topics.locator('[data-testid=topic-lesson]').count();
    console.log(`     self-assessment: ${taught} topics link to their lesson, ${coming} wait for one`);
    expect(taught === 7 && coming === 22, `${taught} taught, ${coming} coming`);
    await topics.locator('[data-topic=lamport-vs-vector] [data-testid=topic-lesson]').click();
    await page.waitForFunction(() => location.hash === '#/lesson/lamport-clocks/the-converse-fails');
    await page.waitForFunction(() => {
      const h = document.getElementById('the-converse-fails');
      if (!h || document.activeElement !== h) return false;
      const r = h.getBoundingClientRect();
      return r.top > -2 && r.top < innerHeight;
    }, null, { timeout: 5000 });
  });

  await check('the final self-assessment loads its questions and checks one', async () => {
    await page.goto(`${base}#/assessment`);
    const a = page.locator('[data-testid=assessment]');
    await a.locator('[data-testid=quiz-item]').first().waitFor({ timeout: 20000 });
    const n = await a.locator('[data-testid=quiz-item]').count();
    expect(n >= 29, `${n} items`);
    const item = a.locator('[data-testid=quiz-item]:has([data-testid=quiz-number])').first();
    await item.locator('[data-testid=quiz-number]').fill('4');
    await item.locator('[data-testid=quiz-check]').click();
    await item.locator('[data-testid=quiz-verdict]').waitFor();
    expect((await a.locator('[data-testid=assessment-topics] summary').textContent()).includes('of 29'), 'topic checklist');
    await page.screenshot({ path: `${OUT}/assessment.png` });
  });

  await check('after one visit the whole course works offline: a reload, a lesson never opened and its exercise graded, with no network; a new build replaces the old cache', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    const problems = [];
    p.on('pageerror', (e) => problems.push(String(e)));
    await p.goto(base);
    await p.locator('[data-testid=course-map]').waitFor({ timeout: 20000 });
    // The worker is active once it has cached every file; then it controls the page.
    const cached = await p.evaluate(async () => {
      await navigator.serviceWorker.ready;
      while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
      const keys = await caches.keys();
      return { keys, files: (await (await caches.open(keys[0])).keys()).map((r) => r.url) };
    });
    const sw = fs.readFileSync('dist/sw.js', 'utf8');
    const files = JSON.parse(/^const FILES = (.*);$/m.exec(sw)[1]);
    expect(cached.keys.length === 1 && cached.files.length === files.length, `cache ${cached.keys}: ${cached.files.length} of ${files.length} files`);
    expect(files.some((f) => f.startsWith('course/raft-safety-')) && files.some((f) => f.startsWith('grader-worker')), `precached: ${files.join(' ')}`);
    const manifest = await (await fetch(`${base}manifest.webmanifest`)).json();
    expect(manifest.icons?.length > 0 && manifest.start_url === './', `manifest: ${JSON.stringify(manifest)}`);
    await context.setOffline(true);
    await p.reload();
    await p.locator('[data-testid=course-map]').waitFor({ timeout: 20000 });
    await p.goto(`${base}#/lesson/raft-log-replication`);
    await p.locator('[data-testid=lesson]').waitFor({ timeout: 20000 });
    const exSel = '[data-testid=exercise][data-exercise=raft-append]';
    await graderReady(p, exSel);
    await p.locator(`${exSel} [data-testid=editor]`).fill(fs.readFileSync('lessons/exercises/raft-append/reference.rhai', 'utf8'));
    await p.locator(`${exSel} [data-testid=run]`).click();
    await p.waitForFunction((s) => /All \d+ cases pass/.test(document.querySelector(`${s} [data-testid=verdict]`)?.textContent ?? ''), exSel, { timeout: 60000 });
    // Offline for real: the host cannot be reached from this context.
    const reached = await p.evaluate(() => fetch(`./no-such-file-${Math.random()}`).then(() => true, () => false));
    expect(!reached, 'the network was reachable while offline');
    await context.setOffline(false);
    // A new build: the same worker with another version. The browser installs it, and it leaves
    // only its own cache.
    const original = fs.readFileSync('dist/sw.js', 'utf8');
    try {
      fs.writeFileSync('dist/sw.js', original.replace(/^const VERSION = "([0-9a-f]+)";/m, 'const VERSION = "0000000000000000";'));
      const after = await p.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const old = navigator.serviceWorker.controller;
        await registration.update();
        while (navigator.serviceWorker.controller === old) await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 100 && (await caches.keys()).length !== 1; i++) await new Promise((r) => setTimeout(r, 50));
        return caches.keys();
      });
      expect(after.length === 1 && after[0] === 'netsplit-0000000000000000', `caches after a new build: ${after}`);
    } finally {
      fs.writeFileSync('dist/sw.js', original);
    }
    expect(problems.length === 0, problems.join('\n'));
    console.log(`     offline: ${files.length} files precached (${cached.keys[0]})`);
    await context.close();
  });

  await check('no errors in the browser console', async () => {
    expect(errors.length === 0, errors.join('\n'));
  });

  if (process.argv.includes('--bench')) {
    await check('in-browser benchmark prints events per second', async () => {
      const b = await browser.newPage();
      await b.goto(`${base}#/bench`);
      await b.click('[data-testid=bench-run]');
      await b.waitForSelector('[data-testid=bench-result]', { timeout: 240000 });
      const results = JSON.parse(await b.textContent('[data-testid=bench-result]'));
      const lin = results.find((r) => r.workload === 'lincheck');
      const all = results.filter((r) => r.workload !== 'lincheck' && r.workload !== 'flp');
      const flp = results.find((r) => r.workload === 'flp');
      expect(flp && flp.line.endsWith('undecided'), `flp benchmark: ${flp ? flp.line : 'missing'}`);
      if (flp) console.log(flp.line);
      expect(lin && !lin.error, `lincheck benchmark: ${lin ? lin.error : 'missing'}`);
      if (lin && !lin.error) console.log(`bench lincheck wasm (headless Chromium, worker): ${lin.etcd_histories} etcd histories ${lin.etcd_total_s} s in total, slowest ${lin.etcd_slowest_s} s (${lin.etcd_slowest_name}); kv c50-ok ${lin.kv_c50_ok_s} s`);
      expect(all.length === 4, `expected two workloads on two paths, got ${all.length}`);
      for (const r of all) {
        console.log(`bench wasm (headless Chromium, worker): ${r.workload} [${r.path}], ${r.events} events in ${r.seconds}s (best of 3) = ${(r.events_per_s / 1e6).toFixed(2)} M events/s (${(r.records_per_s / 1e6).toFixed(2)} M trace records/s), digest ${r.digest}`);
      }
      for (let i = 0; i < all.length; i += 2) expect(all[i].digest === all[i + 1].digest, `digests differ between paths: ${all[i].digest} ${all[i + 1].digest}`);
      fs.writeFileSync(`${OUT}/bench-wasm.json`, JSON.stringify(results));
    });
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
