// Finishes trunk's dist/ for a strict Content-Security-Policy, run by `./x build` after wasm-opt:
// - trunk's inline start-up module (`<script type="module">import init …</script>`) moves to a
//   hashed file of its own, since the policy allows no inline script;
// - every `integrity` hash in index.html is computed again (wasm-opt rewrote the wasm after trunk
//   hashed it, so the preload's hash was stale);
// - the policy goes into index.html as a meta tag (static hosts cannot set headers);
// - the offline kit: sw.js (static/service-worker.js with the build's version and file list in
//   front), registered by the start-up module, and manifest.webmanifest, linked from the page.
// Usage: node tools/finish-dist.mjs [dist]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The site's policy: everything from its own origin, wasm compiled only by the browser's
 * WebAssembly API ('wasm-unsafe-eval', not 'unsafe-eval'), no inline script or style, no plugin,
 * no other origin. `frame-ancestors` cannot be set from a meta tag; `./tools/serve.mjs` sends the
 * same policy as a header, with it.
 */
export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const sha384 = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;

function finish(dist) {
  const indexPath = path.join(dist, 'index.html');
  let html = fs.readFileSync(indexPath, 'utf8');
  const inline = /<script type="module">([\s\S]*?)<\/script>/.exec(html);
  if (inline) {
    const body = `${inline[1].trim()}\n${REGISTER}`;
    const name = `start-${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
    fs.writeFileSync(path.join(dist, name), body);
    // With its own integrity hash, so that every script the page runs is pinned.
    html = html.replace(inline[0], `<script type="module" src="./${name}" integrity="${sha384(body)}"></script>`);
  }
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) throw new Error(`${indexPath}: an inline script is left, which the policy would refuse`);
  // Recompute every integrity hash from the file as it is now.
  html = html.replace(/(href|src)="\.\/([^"]+)"([^>]*?) integrity="sha384-[^"]+"/g, (all, attr, file, between) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return `${attr}="./${file}"${between} integrity="${sha384(bytes)}"`;
  });
  const icon = /<link rel="icon" href="\.\/([^"]+)"/.exec(html)?.[1];
  if (!icon) throw new Error(`${indexPath}: no icon link for the manifest`);
  fs.writeFileSync(path.join(dist, 'manifest.webmanifest'), JSON.stringify(manifest(icon), null, 2) + '\n');
  if (!html.includes('rel="manifest"')) {
    html = html.replace(/(<link rel="icon"[^>]*>)/, '$1\n    <link rel="manifest" href="./manifest.webmanifest" />');
  }
  if (!html.includes('http-equiv="Content-Security-Policy"')) {
    html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}" />`);
  }
  fs.writeFileSync(indexPath, html);
  writeServiceWorker(dist);
}

/** Registers the service worker once the app has started (appended to the start-up module). */
const REGISTER = `// Offline: the service worker caches the whole course after this first visit (sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('Netsplit works online only here:', e.message));
}
`;

/** The web app manifest: installable, opening at the course map. */
function manifest(icon) {
  return {
    name: 'Netsplit: distributed systems you can break',
    short_name: 'Netsplit',
    description: 'A distributed-systems lab in your browser: crash nodes, cut links, skew clocks, and watch a deterministic simulated cluster.',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#fbfbfd',
    theme_color: '#4453e6',
    icons: [{ src: `./${icon}`, sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
  };
}

/** Every file of the build, relative to dist/ and sorted, except what is not part of a course. */
function buildFiles(dist) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(dist, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      // The service worker itself, the benchmark page's worker (a developer's tool, 200 KB
      // gzip that a learner offline never needs), and Porcupine's test histories (1.5 MB of
      // examples for the history checker, each fetched when a learner picks it).
      else if (rel !== 'sw.js' && rel !== 'index.html' && !rel.startsWith('bench-worker') && !rel.startsWith('porcupine/')) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** dist/sw.js: the worker's source with this build's version and files in front. */
function writeServiceWorker(dist) {
  const files = buildFiles(dist);
  const digest = crypto.createHash('sha256');
  for (const f of ['index.html', ...files]) digest.update(f).update('\0').update(fs.readFileSync(path.join(dist, f))).update('\0');
  const version = digest.digest('hex').slice(0, 16);
  const source = fs.readFileSync(new URL('../static/service-worker.js', import.meta.url), 'utf8');
  const head = `const VERSION = ${JSON.stringify(version)};\n// The page (./) and every file of the build.\nconst FILES = ${JSON.stringify(['./', ...files])};\n`;
  fs.writeFileSync(path.join(dist, 'sw.js'), head + source);
}

if (import.meta.url === `file://${process.argv[1]}`) finish(process.argv[2] ?? 'dist');
