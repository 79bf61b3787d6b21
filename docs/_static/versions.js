/* Version switcher and banner: read the site's versions.json at view time, so a release published
   after this version was built still appears here. Without JavaScript the build-time links remain. */
(function () {
  "use strict";

  var switcher = document.querySelector(".version-switcher[data-version]");
  if (!switcher) return;
  var root = switcher.getAttribute("data-site-root");
  var here = switcher.getAttribute("data-version");
  var page = switcher.getAttribute("data-pagename");

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  /* 2026-11-27 -> 27 November 2026, as the pages write dates. */
  function longDate(iso) {
    if (!iso) return "";
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  /* The same page in `version`, or its home page with a note saying why. */
  function target(version) {
    if (version.pages.indexOf(page) !== -1) {
      return { href: root + version.name + "/" + page + ".html" + window.location.hash, missing: false };
    }
    return { href: root + version.name + "/index.html?missing=" + encodeURIComponent(page), missing: true };
  }

  function label(version) {
    var text = version.name === "dev" ? "dev (unreleased)" : version.name;
    if (version.date) text += " · " + longDate(version.date);
    if (version.current) text += " (current)";
    return text;
  }

  function renderSwitcher(data) {
    var list = document.createElement("ul");
    list.className = "version-switcher-list";
    data.versions.forEach(function (version) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var to = target(version);
      link.href = to.href;
      link.textContent = label(version);
      if (version.name === here) link.setAttribute("aria-current", "page");
      item.appendChild(link);
      if (to.missing) {
        var why = document.createElement("span");
        why.className = "version-switcher-missing";
        why.textContent = " (home page: this page is not in that version)";
        item.appendChild(why);
      }
      list.appendChild(item);
    });
    switcher.replaceChild(list, switcher.querySelector(".version-switcher-list"));
  }

  /* Tell readers of an older version what changed in every later release. */
  function updateBanner(data) {
    var banner = document.querySelector(".version-banner[data-version]");
    var current = data.versions.filter(function (v) { return v.current; })[0];
    var link = banner && banner.querySelector("a.version-banner-current");
    if (link && current) link.href = target(current).href;
    var mine = data.versions.filter(function (v) { return v.name === here; })[0];
    if (!banner || !mine || !mine.date) return;
    var later = data.versions.filter(function (v) { return v.date && v.name !== "dev" && v.order > mine.order; });
    if (!later.length) return;
    var heading = document.createElement("p");
    heading.className = "version-banner-since";
    heading.textContent = "Changed since this version:";
    var list = document.createElement("ul");
    list.className = "version-banner-since";
    later.forEach(function (v) {
      var item = document.createElement("li");
      item.textContent = v.name + " (" + longDate(v.date) + "): " + v.summary;
      list.appendChild(item);
    });
    banner.appendChild(heading);
    banner.appendChild(list);
  }

  /* Arriving from the switcher on a page this version does not have. */
  function explainMissingPage() {
    var missing = new URLSearchParams(window.location.search).get("missing");
    var article = document.querySelector("article[role=main]");
    if (!missing || !article) return;
    var note = document.createElement("div");
    note.className = "version-missing-note";
    note.setAttribute("role", "status");
    note.textContent = "The page you were reading (" + missing + ") does not exist in the " + here +
      " version, so you are on that version's home page.";
    article.insertBefore(note, article.firstChild);
  }

  var loading = null;
  function load() {
    if (!loading) {
      loading = fetch(root + "versions.json", { cache: "no-cache" })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (data) { renderSwitcher(data); updateBanner(data); })
        .catch(function () { /* opened from disk or no versions.json: keep the build-time links */ });
    }
    return loading;
  }

  explainMissingPage();
  // An older version's banner lists what changed since, so it needs the list now. The current
  // version's pages (most readers) fetch it only when the switcher opens or is pointed at.
  if (document.querySelector(".version-banner[data-version]")) {
    load();
  } else {
    switcher.addEventListener("toggle", load);
    var summary = switcher.querySelector("summary");
    summary.addEventListener("pointerenter", load);
    summary.addEventListener("focus", load);
  }
})();
