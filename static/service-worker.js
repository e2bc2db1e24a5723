// Netsplit's service worker: after the first visit the whole course works offline, including
// lessons and exercises never opened. `./x build` (tools/finish-dist.mjs) writes it to dist/sw.js
// with two constants in front: VERSION, a hash of every file of the build, and FILES, every file
// of the build relative to this script. A new build has a new VERSION, so the browser installs the
// new worker, which caches the new files and deletes the old cache.
/* global VERSION, FILES */

const CACHE = `netsplit-${VERSION}`;
// Files whose names carry a content hash never change: the cache answers first. The rest (the
// page, the workers' loaders and scripts) are asked of the network first, so a new build is seen
// at once online, and come from the cache offline.
const HASHED = /-[0-9a-f]{12,16}(_bg)?\.[a-z]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `reload`: past the HTTP cache, so the files cached are the ones on the server now.
    await cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('netsplit-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  // Every route is a hash of the one page: a navigation is answered with the page.
  const key = request.mode === 'navigate' ? scope.href : url.href;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = () => cache.match(key, { ignoreSearch: true, ignoreVary: true });
    if (HASHED.test(url.pathname)) {
      const hit = await cached();
      if (hit) return hit;
    }
    try {
      return await fetch(request);
    } catch (offline) {
      const hit = await cached();
      if (hit) return hit;
      throw offline;
    }
  })());
});
