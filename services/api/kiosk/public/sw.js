/*
 * The kiosk's service worker: keeps the app (page, script, style, font, icons) in a cache named
 * after the app version, and serves it from there first, so the tablet starts and reloads
 * without a network. API calls are not touched: the app's own queue handles being offline, and a
 * static route (Chromium 123+) sends them to the network without waking this worker at all, so the
 * tablet's heartbeat and sync never keep an old release's worker busy or restart it while a new
 * release waits to take over (once the active worker is one with the route).
 */
const VERSION = '__KIOSK_VERSION__';
const CACHE = `odsc-kiosk-${VERSION}`;
const SHELL = [
  '/kiosk/',
  '/kiosk/app.js',
  '/kiosk/kiosk.css',
  '/kiosk/manifest.webmanifest',
  '/kiosk/icon-192.png',
  '/kiosk/icon-512.png',
  '/kiosk/fonts/noto-sans-lao-lao-400-normal.woff2',
  '/kiosk/fonts/noto-sans-lao-lao-700-normal.woff2',
  '/kiosk/fonts/noto-sans-lao-latin-400-normal.woff2',
  '/kiosk/fonts/noto-sans-lao-latin-700-normal.woff2',
];

self.addEventListener('install', (event) => {
  const routed =
    typeof event.addRoutes === 'function'
      ? event
          .addRoutes({ condition: { urlPattern: '/api/*' }, source: 'network' })
          .catch(() => undefined) // not supported as written: the fetch handler lets them through
      : Promise.resolve();
  event.waitUntil(
    Promise.all([
      routed,
      caches
        .open(CACHE)
        .then((cache) => cache.addAll(SHELL.map((u) => new Request(u, { cache: 'reload' })))),
    ]).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith('odsc-kiosk-') && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// The page asks a release that has stayed waiting to take over again (see app.js).
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.method !== 'GET' ||
    url.origin !== self.location.origin ||
    !url.pathname.startsWith('/kiosk/')
  )
    return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(event.request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(event.request)),
  );
});
