/* Send links to moved pages and moved section ids on to their new place (docs/redirects.toml). */
(() => {
  "use strict";
  const data = document.getElementById("anchor-redirects");
  const moved = data ? JSON.parse(data.textContent) : {};
  const movedPage = document.querySelector('meta[name="deep-links-redirect"]');

  function follow() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id && Object.hasOwn(moved, id) && !document.getElementById(id)) {
      window.location.replace(moved[id]);
    } else if (movedPage) {
      window.location.replace(movedPage.content + window.location.hash);
    }
  }

  follow();
  window.addEventListener("hashchange", follow);
})();
