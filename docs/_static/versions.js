/* Version switcher and banner: read the site's versions.json at view time, so a release published
   after this version was built still appears here. Without JavaScript the build-time links remain.
   Every page of the versioned site loads it (most on first use of the switcher), so it is kept short. */
(() => {
  "use strict";

  const switcher = document.querySelector(".version-switcher[data-version]");
  if (!switcher) return;
  const { siteRoot: root, version: here, pagename: page } = switcher.dataset;

  function make(tag, text = "", className = "") {
    const element = document.createElement(tag);
    element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  /* 2026-11-27 -> 27 November 2026, as the pages write dates. */
  const longDate = (iso) => (iso ? new Date(`${iso}T12:00Z`).toLocaleDateString("en-GB",
    { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "");

  /* The same page in `version`, or its home page with a note saying why. */
  const missing = (version) => !version.pages.includes(page);
  const target = (version) => `${root}${version.name}/` + (missing(version)
    ? `index.html?missing=${encodeURIComponent(page)}` : `${page}.html${window.location.hash}`);

  const label = (version) => (version.name === "dev" ? "dev (unreleased)" : version.name) +
    (version.date ? ` · ${longDate(version.date)}` : "") + (version.current ? " (current)" : "");

  function renderSwitcher(versions) {
    const list = make("ul", "", "version-switcher-list");
    for (const version of versions) {
      const item = make("li");
      const link = make("a", label(version));
      link.href = target(version);
      if (version.name === here) link.setAttribute("aria-current", "page");
      item.append(link);
      if (missing(version)) {
        item.append(make("span", " (home page: this page is not in that version)", "version-switcher-missing"));
      }
      list.append(item);
    }
    switcher.querySelector(".version-switcher-list").replaceWith(list);
  }

  /* Tell readers of an older version what changed in every later release. */
  function updateBanner(versions) {
    const banner = document.querySelector(".version-banner[data-version]");
    const current = versions.find((v) => v.current);
    const link = banner && banner.querySelector("a.version-banner-current");
    if (link && current) link.href = target(current);
    const mine = versions.find((v) => v.name === here);
    if (!banner || !mine || !mine.date) return;
    const later = versions.filter((v) => v.date && v.name !== "dev" && v.order > mine.order);
    if (!later.length) return;
    const list = make("ul", "", "version-banner-since");
    for (const v of later) list.append(make("li", `${v.name} (${longDate(v.date)}): ${v.summary}`));
    banner.append(make("p", "Changed since this version:", "version-banner-since"), list);
  }

  /* Arriving from the switcher on a page this version does not have. */
  const away = new URLSearchParams(window.location.search).get("missing");
  const article = document.querySelector("article[role=main]");
  if (away && article) {
    const note = make("div", `The page you were reading (${away}) does not exist in the ${here} version, ` +
      "so you are on that version's home page.", "version-missing-note");
    note.setAttribute("role", "status");
    article.prepend(note);
  }

  let loading = null;
  const load = () => (loading ||= fetch(`${root}versions.json`, { cache: "no-cache" })
    .then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(({ versions }) => {
      renderSwitcher(versions);
      updateBanner(versions);
    })
    .catch(() => { /* opened from disk or no versions.json: keep the build-time links */ }));

  // An older release's banner lists what changed since, so it needs the list now: the banner names
  // the file (page weights count it). The current release's and dev's pages have their list written
  // at build time (data-listed): only their home page loads this script, for the note above. Elsewhere
  // the list comes when the switcher opens or is pointed at; where furo.js loaded this script because
  // the reader opened the switcher, it is open already.
  if ("listed" in switcher.dataset) return;
  if (document.querySelector(".version-banner[data-fetch-on-open]") || switcher.open) {
    load();
  } else {
    switcher.addEventListener("toggle", load);
    for (const event of ["pointerenter", "focus"]) switcher.querySelector("summary").addEventListener(event, load);
  }
})();
