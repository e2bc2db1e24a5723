// axe-core (from npm, pinned in package-lock.json) run in a page of the built site: the WCAG 2.x
// A and AA rules and the best practices the browser audit reported (landmarks, heading order).
// Used by the e2e test (zero violations on every route) and by `node tools/axe-audit.mjs`.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Every route a learner can reach, by hash. */
export const ROUTES = ['#/', '#/lesson/two-generals', '#/lesson/failure-detectors', '#/lesson/flp', '#/lesson/physical-clocks', '#/lesson/lamport-clocks',
  '#/lesson/vector-clocks', '#/lesson/hybrid-logical-clocks', '#/lesson/raft-leader-election',
  '#/lesson/raft-log-replication', '#/lesson/raft-safety', '#/playground', '#/assessment', '#/bench', '#/check',
  '#/no-such-page', '#/lesson/no-such-lesson'];

/**
 * Runs axe on the page as it is and returns its violations as
 * `[{ id, impact, nodes: [{ target, summary }] }]`. The page's context must bypass the site's CSP
 * (`bypassCSP: true`): axe is injected as a script.
 */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
  });
  return result;
}

/** One line per rule: `rule (nodes): first target`. */
export function describe(violations) {
  return violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0]?.target} — ${(v.nodes[0]?.summary ?? '').split('\n').slice(0, 2).join(' ')}`);
}

/**
 * Opens `url`, runs axe as the page loads, then crashes a node of its first cluster widget (so the
 * crashed styles are audited too), plays it for 1.5 s and runs axe again. Returns
 * `{ loaded, played }` (`played` is empty on a page without a widget).
 */
export async function auditRoute(page, url) {
  await page.goto(url);
  await page.waitForSelector('main h1', { timeout: 20000 });
  await page.waitForTimeout(300);
  const loaded = await axe(page);
  const widget = page.locator('[data-testid=cluster-widget]').first();
  if (!(await widget.count())) return { loaded, played: [] };
  await widget.locator('[data-testid=node-0]').click();
  await widget.locator('[data-testid=crash-toggle]').click();
  const play = widget.locator('[data-testid=play]');
  await play.click();
  await page.waitForTimeout(1500);
  await play.click({ timeout: 2000 }).catch(() => {}); // a short run may have finished by itself
  return { loaded, played: await axe(page) };
}

/** Ids that more than one element of the page carries. */
export async function duplicateIds(page) {
  return page.evaluate(() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  });
}
