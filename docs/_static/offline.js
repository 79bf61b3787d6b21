/* The offline page: name the page that is not saved, and list the other pages the reader opened
   (each version's service worker keeps them in its own cache). */
(() => {
  "use strict";
  const items = [...document.querySelectorAll(".offline-list li")];
  const missing = new URLSearchParams(window.location.search).get("page");
  const note = document.getElementById("offline-missing");
  if (missing && note) {
    const wanted = new URL(missing, document.baseURI).pathname;
    const known = items.find((item) => new URL(item.firstElementChild.href).pathname === wanted);
    note.textContent = `“${known ? known.textContent : missing}” is not saved on this device yet. ` +
      "Open it again when you are back online.";
  }
  if (!window.caches) return;
  for (const item of items.filter((li) => li.hidden)) {
    caches.match(item.firstElementChild.href, { ignoreSearch: true }).then((hit) => { if (hit) item.hidden = false; });
  }
})();
