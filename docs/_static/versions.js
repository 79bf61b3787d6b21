/* Version switcher and banner: read the site's versions.json at view time, so a release published
   after this version was built still appears here. Without JavaScript the build-time links remain. */
(() => {
  "use strict";

  const switcher = document.querySelector(".version-switcher[data-version]");
  if (!switcher) return;
  const root = switcher.getAttribute("data-site-root");
  const here = switcher.getAttribute("data-version");
  const page = switcher.getAttribute("data-pagename");

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  /* 2026-11-27 -> 27 November 2026, as the pages write dates. */
  function longDate(iso) {
    if (!iso) return "";
    const [year, month, day] = iso.split("-");
    return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
  }

  /* The same page in `version`, or its home page with a note saying why. */
  function target(version) {
    if (version.pages.includes(page)) {
      return { href: `${root}${version.name}/${page}.html${window.location.hash}`, missing: false };
    }
    return { href: `${root}${version.name}/index.html?missing=${encodeURIComponent(page)}`, missing: true };
  }

  function label(version) {
    let text = version.name === "dev" ? "dev (unreleased)" : version.name;
    if (version.date) text += ` · ${longDate(version.date)}`;
    if (version.current) text += " (current)";
    return text;
  }

  function renderSwitcher(data) {
    const list = document.createElement("ul");
    list.className = "version-switcher-list";
    for (const version of data.versions) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      const to = target(version);
      link.href = to.href;
      link.textContent = label(version);
      if (version.name === here) link.setAttribute("aria-current", "page");
      item.append(link);
      if (to.missing) {
        const why = document.createElement("span");
        why.className = "version-switcher-missing";
        why.textContent = " (home page: this page is not in that version)";
        item.append(why);
      }
      list.append(item);
    }
    switcher.querySelector(".version-switcher-list").replaceWith(list);
  }

  /* Tell readers of an older version what changed in every later release. */
  function updateBanner(data) {
    const banner = document.querySelector(".version-banner[data-version]");
    const current = data.versions.find((v) => v.current);
    const link = banner && banner.querySelector("a.version-banner-current");
    if (link && current) link.href = target(current).href;
    const mine = data.versions.find((v) => v.name === here);
    if (!banner || !mine || !mine.date) return;
    const later = data.versions.filter((v) => v.date && v.name !== "dev" && v.order > mine.order);
    if (!later.length) return;
    const heading = document.createElement("p");
    heading.className = "version-banner-since";
    heading.textContent = "Changed since this version:";
    const list = document.createElement("ul");
    list.className = "version-banner-since";
    for (const v of later) {
      const item = document.createElement("li");
      item.textContent = `${v.name} (${longDate(v.date)}): ${v.summary}`;
      list.append(item);
    }
    banner.append(heading, list);
  }

  /* Arriving from the switcher on a page this version does not have. */
  function explainMissingPage() {
    const missing = new URLSearchParams(window.location.search).get("missing");
    const article = document.querySelector("article[role=main]");
    if (!missing || !article) return;
    const note = document.createElement("div");
    note.className = "version-missing-note";
    note.setAttribute("role", "status");
    note.textContent = `The page you were reading (${missing}) does not exist in the ${here} version, ` +
      "so you are on that version's home page.";
    article.prepend(note);
  }

  let loading = null;
  function load() {
    if (!loading) {
      loading = fetch(`${root}versions.json`, { cache: "no-cache" })
        .then((response) => {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then((data) => {
          renderSwitcher(data);
          updateBanner(data);
        })
        .catch(() => { /* opened from disk or no versions.json: keep the build-time links */ });
    }
    return loading;
  }

  explainMissingPage();
  // An older release's banner lists what changed since, so it needs the list now: the banner names
  // the file (page weights count it). The current release's and dev's pages, built knowing every
  // release, fetch it only when the switcher opens or is pointed at; where furo.js loaded this
  // script because the reader opened the switcher, it is open already.
  if (document.querySelector(".version-banner[data-fetch-on-open]") || switcher.open) {
    load();
  } else {
    switcher.addEventListener("toggle", load);
    const summary = switcher.querySelector("summary");
    summary.addEventListener("pointerenter", load);
    summary.addEventListener("focus", load);
  }
})();
