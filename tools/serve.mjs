// A tiny static file server for dist/ on loopback (no dependencies), serving as real static hosts
// do: under a sub-path if asked (GitHub Pages serves a project at /<project>/), gzip for clients
// that accept it, files whose names carry a content hash as immutable, the others revalidated by
// their ETag (a 304 when unchanged), and the site's Content-Security-Policy on every response.
// Usage: node tools/serve.mjs DIR PORT [PREFIX]   (PORT 0 picks a free port; PREFIX such as
// /netsplit/ serves DIR there and nothing at /; the URL is printed)
import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { POLICY } from './finish-dist.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.bin': 'application/octet-stream',
};
// Worth compressing: text and wasm (images are compressed already, lesson bodies are small).
const COMPRESSIBLE = new Set(['.html', '.js', '.wasm', '.css', '.svg', '.json', '.webmanifest', '.bin']);
// Trunk's filehash: a name such as netsplit-web-0123456789abcdef_bg.wasm. Trunk prints the hash
// without leading zeros, so it can be shorter than 16 digits (one build gave fe4863c00ae522c).
const HASHED = /-[0-9a-f]{12,16}(_bg)?\.[a-z]+$/;

// Compressed bodies by file, so that a test opening many pages compresses each file once.
const GZIP_CACHE = new Map();
function gzipped(file, data) {
  const cached = GZIP_CACHE.get(file);
  if (cached && cached.raw.equals(data)) return cached.gz;
  const gz = zlib.gzipSync(data, { level: 9 });
  GZIP_CACHE.set(file, { raw: data, gz });
  return gz;
}

/** Normalises a sub-path to the form /a/b/ ('' and '/' mean the root). */
function normalisePrefix(prefix) {
  const trimmed = String(prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * Starts serving `dir` on 127.0.0.1:`port` under `prefix` (default '/'); resolves to the server
 * once listening. Requests outside the prefix get 404, so a page that asks for an absolute path
 * fails here as it would on a real host.
 */
export function serve(dir, port = 0, prefix = '/') {
  const root = path.resolve(dir);
  const base = normalisePrefix(prefix);
  const server = http.createServer((req, res) => {
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (base !== '/' && urlPath === base.slice(0, -1)) {
      res.writeHead(301, { location: base }).end();
      return;
    }
    if (!urlPath.startsWith(base)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found (the site is at ${base})`);
      return;
    }
    const rel = urlPath.slice(base.length);
    const file = path.join(root, rel === '' ? 'index.html' : rel);
    if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403).end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      const ext = path.extname(file);
      const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      // One tag per content and encoding, as the bytes sent differ.
      const etag = `"${crypto.createHash('sha1').update(data).digest('hex').slice(0, 20)}${gzip ? '-gz' : ''}"`;
      const headers = {
        etag,
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        // Hashed names never change content: cache them for a year. Everything else (the page,
        // the loader shims, lesson bodies) is revalidated, so a new build is seen at once.
        'cache-control': HASHED.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        // The page's meta tag holds the same policy; as a header it also covers the workers
        // (a worker's policy comes from its own response) and can forbid framing.
        'content-security-policy': `${POLICY}; frame-ancestors 'none'`,
      };
      // A file the client holds already (a revalidated unhashed file, or one the page fetched
      // ahead for a worker) costs a round trip, not its bytes.
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
        return;
      }
      if (gzip) {
        headers['content-encoding'] = 'gzip';
        data = gzipped(file, data);
      }
      headers['content-length'] = data.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '8080', prefix = '/'] = process.argv.slice(2);
  const server = await serve(dir, Number(port), prefix);
  console.log(`Netsplit is being served at http://127.0.0.1:${server.address().port}${normalisePrefix(prefix)}  (Ctrl-C to stop)`);
}
