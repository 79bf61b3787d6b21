/* Furo's page behaviour in a fifth of the bytes: this file takes the place of the theme's furo.js
   (a 5 KB bundle with the Gumshoe scroll-spy), on every page, and does what it did:
   - the theme button cycles auto -> the other scheme -> this one -> auto, and remembers the choice;
   - the mobile header casts a shadow once the page is scrolled ("scrolled");
   - "Back to top" shows while the reader scrolls up, past the first 64 px ("show-back-to-top");
   - the contents list marks the section being read ("scroll-current" on its item) and follows
     the page to its top and bottom. */
(() => {
  "use strict";
  const root = document.documentElement;
  root.classList.remove("no-js");
  const header = document.querySelector("header");
  const tocScroll = document.querySelector(".toc-scroll");

  function cycleTheme() {
    const order = matchMedia("(prefers-color-scheme: dark)").matches ? ["auto", "light", "dark"]
      : ["auto", "dark", "light"];
    const theme = order[(order.indexOf(localStorage.getItem("theme") || "auto") + 1) % 3];
    document.body.dataset.theme = theme;
    localStorage.setItem("theme", theme);
  }
  for (const button of document.querySelectorAll(".theme-toggle")) button.addEventListener("click", cycleTheme);

  // The contents' links and the sections they lead to, in page order.
  const entries = [...document.querySelectorAll(".toc-tree a")]
    .map((link) => [link, document.getElementById(decodeURIComponent(link.hash.slice(1)))])
    .filter(([, target]) => target);

  function markCurrent() {
    if (!tocScroll || !entries.length) return;
    const box = header.getBoundingClientRect();
    const line = box.top + box.height + 2.5 * parseFloat(getComputedStyle(root).fontSize) + 1;
    const last = entries[entries.length - 1];
    const top = ([, target]) => parseInt(target.getBoundingClientRect().top, 10);
    let current = null;
    if (Math.ceil(innerHeight + scrollY) >= root.scrollHeight && last[1].getBoundingClientRect().bottom < innerHeight) {
      current = last;  // at the very bottom: the last section, even if its heading is below the line
    } else {
      for (const entry of entries) if (top(entry) <= line) current = entry;
    }
    for (const [link] of entries) link.closest("li").classList.toggle("scroll-current", link === current?.[0]);
  }

  let lastY = root.scrollTop;
  function onScroll() {
    const y = scrollY;
    header?.classList.toggle("scrolled", y > 0);
    if (y < 64) root.classList.remove("show-back-to-top");
    else if (y !== lastY) root.classList.toggle("show-back-to-top", y < lastY);
    lastY = y;
    if (tocScroll && y === 0) tocScroll.scrollTo(0, 0);
    else if (tocScroll && Math.ceil(y) >= Math.floor(root.scrollHeight - innerHeight)) {
      tocScroll.scrollTo(0, tocScroll.scrollHeight);
    }
    markCurrent();
  }

  let frame = 0;
  const soon = (task) => () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(task);
  };
  addEventListener("scroll", soon(onScroll), { passive: true });
  addEventListener("resize", soon(markCurrent));
  markCurrent();

  // The version switcher's script (versions.js) loads when the reader first opens or points at the
  // switcher, where the switcher names it: most pages never need it (docs/_ext/versions.py).
  const switcher = document.querySelector(".version-switcher[data-script]");
  const loadSwitcher = () => {
    if (!switcher.dataset.script) return;
    const script = document.createElement("script");
    script.src = switcher.dataset.script;
    delete switcher.dataset.script;
    document.head.append(script);
  };
  switcher?.addEventListener("toggle", loadSwitcher);
  for (const type of ["pointerenter", "focus"]) switcher?.querySelector("summary").addEventListener(type, loadSwitcher);

  // A list written at build time (dev and current pages) keeps the reader's section, as versions.js's does:
  // a link to this same page in another version (no ?missing=) takes the address's #fragment.
  document.querySelector(".version-switcher[data-listed]")?.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (link && !link.search && link.pathname.endsWith(`/${link.closest("[data-pagename]").dataset.pagename}.html`)) {
      link.hash = window.location.hash;
    }
  });
})();
