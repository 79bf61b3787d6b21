/* Offline reading: register this version's service worker (sw.js at the version's root, so that
   it serves every page of this version and no other). See docs/_ext/offline.py. */
(() => {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
    navigator.serviceWorker.register(new URL("sw.js", root)).catch(() => {});  // e.g. opened from disk
  });
})();
