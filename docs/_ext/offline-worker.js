/* Offline reading: the service worker of one version of the site (docs/_ext/offline.py writes it to
   the version's root as sw.js, after a line `const OFFLINE = {...}` naming the release and the pages
   to save, by folder; it saves what they load too). Pages: network first, so a reader online always gets today's advice; the saved copy only
   when the network fails, else the offline page. Fingerprinted assets (?v=): cache first. */
"use strict";
const SCOPE = registration.scope;
// One cache per version and build: "dn-offline|<release order>|<release>|<build>|<scope>".
const NAME = `dn-offline|${OFFLINE.order}|${OFFLINE.release}|${OFFLINE.build}|${SCOPE}`;
const isPage = (url) => url.startsWith(SCOPE) && /(\.html|\/)$/.test(new URL(url).pathname);

// What a saved page loads: stylesheets, scripts, icons, images, and scripts named in data- attributes.
const ASSET = /(?:href|src|data-[\w-]+)="([^"#:]+\.(?:css|js|svg|png|jpg|webp)(?:\?[^"]*)?)"/g;

// Save a file; for a page, note what it loads in `assets`.
async function save(cache, file, assets) {
  const response = await fetch(file, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${file}: ${response.status}`);
  await cache.put(file, response.clone());
  if (file.endsWith(".html") || file.endsWith("/")) {
    for (const [, asset] of (await response.text()).matchAll(ASSET)) assets.add(new URL(asset, file).href);
  }
}

addEventListener("install", (event) => event.waitUntil((async () => {
  const cache = await caches.open(NAME);
  // A folder of scripts only is one string of their names without ".js" (docs/_ext/offline.py).
  const files = Object.entries(OFFLINE.files).flatMap(([folder, names]) =>
    (names.split ? names.split(" ").map((n) => `${n}.js`) : names).map((n) => SCOPE + folder + n));
  const assets = new Set();
  await Promise.all(files.map((file) => save(cache, file, assets)));
  await cache.addAll([...assets].filter((url) => !files.includes(url)));
  // Keep what the reader has: the pages open now, and the pages an older build saved (fetched afresh),
  // with what they load (a page opened before this worker ran, such as the decision guide, has its own script).
  const urls = (await clients.matchAll({ includeUncontrolled: true })).map((client) => client.url);
  for (const name of await caches.keys()) {
    if (name !== NAME && name.endsWith(`|${SCOPE}`)) {
      urls.push(...(await (await caches.open(name)).keys()).map((request) => request.url));
    }
  }
  const kept = new Set();
  await Promise.all(urls.filter(isPage).map((url) => save(cache, url.split("#")[0], kept).catch(() => {})));
  await Promise.all([...kept].filter((url) => !assets.has(url) && !files.includes(url))
    .map((url) => cache.add(url).catch(() => {})));
  await skipWaiting();
})()));

// Drop older builds of this version and, once a release is published, the caches of older releases.
addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) {
    const [prefix, order, , , scope] = name.split("|");
    const olderRelease = OFFLINE.release !== "dev" && Number(order) < OFFLINE.order;
    if (prefix === "dn-offline" && name !== NAME && (scope === SCOPE || olderRelease)) await caches.delete(name);
  }
  await clients.claim();
})()));

addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(NAME);
    const fingerprinted = url.searchParams.has("v");
    const hit = fingerprinted && await cache.match(request);
    if (hit) return hit;
    try {
      // Anything not fingerprinted is checked with the server, whatever the browser's HTTP cache holds.
      const response = await fetch(request, fingerprinted ? {} : { cache: "no-cache" });
      if (response.ok && response.type === "basic") await cache.put(request, response.clone());
      return response;
    } catch (offline) {
      // The saved copy, also under the addresses a server maps to it (folder/, page without .html).
      for (const path of [url.pathname, `${url.pathname}index.html`, `${url.pathname}.html`]) {
        const saved = await cache.match(url.origin + path, { ignoreSearch: true });
        if (saved) return saved;
      }
      if (request.mode !== "navigate") throw offline;
      const page = encodeURIComponent(request.url.replace(SCOPE, "").split("#")[0]);
      return Response.redirect(`${SCOPE}offline.html?page=${page}`, 302);
    }
  })());
});
