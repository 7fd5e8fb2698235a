// The service worker caches the app shell only, so the app opens offline and installs as a
// PWA. API calls (/api/...) always go to the network: prices, slots and bookings must be live.
// Bump SHELL_VERSION when the list changes; content changes are picked up by revalidation.
const SHELL_VERSION = "shell-v1";
const SHELL = [
  "/app/",
  "/app/app.css",
  "/app/app.js",
  "/app/api.js",
  "/app/format.js",
  "/app/i18n.js",
  "/app/schema-form.js",
  "/app/store.js",
  "/app/ui.js",
  "/app/screens/account.js",
  "/app/screens/book.js",
  "/app/screens/collector.js",
  "/app/screens/generic.js",
  "/app/screens/login.js",
  "/app/screens/plant.js",
  "/app/screens/resident.js",
  "/app/manifest.webmanifest",
  "/app/icons/icon.svg",
  "/app/icons/icon-192.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_VERSION).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The shell entry a request maps to, or null for everything else (the API above all). */
function shellKey(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return null;
  if (request.mode === "navigate" && (url.pathname === "/app" || url.pathname === "/app/")) return "/app/";
  return SHELL.includes(url.pathname) ? url.pathname : null;
}

// Stale-while-revalidate: answer from the cache at once, refresh the cache behind it.
self.addEventListener("fetch", (event) => {
  const key = shellKey(event.request);
  if (!key) return;
  event.respondWith(
    caches.open(SHELL_VERSION).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(key, response.clone());
          return response;
        })
        .catch(() => cached);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return fresh;
    }),
  );
});
