/* Reads the page aloud for the "Listen to this page" button (listen.js): the title and the patient
   text, section by section, with the browser's own speech synthesis (no network service; a voice on
   the device is preferred). "For clinicians" boxes are read only when open. */
window.listenReader = (box, title) => {
  "use strict";
  const synth = window.speechSynthesis;
  const top = title.parentElement;
  const lang = document.documentElement.lang || "en";
  const [play, stop, status] = box.querySelectorAll("button, span");
  const idle = status.textContent;
  // Not read: permalinks, buttons, citations, drawings, dates and banners, "Related pages".
  const SKIP = ".headerlink,button,.bibtex-citation,svg,img,script,style,.page-meta,.page-history," +
    ".version-banner,.listen,.page-feedback,section[id$=-related],details.for-clinicians:not([open])";

  const text = (node) => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll(SKIP).forEach((n) => n.remove());
    // A removed citation leaves a space before the full stop.
    return copy.textContent.replace(/\s+/g, " ").replace(/ ([.,;:])/g, "$1").trim();
  };

  // A section's own blocks in reading order (its sub-sections are read as sections of their own).
  const lines = (node, out) => {
    for (const child of node.children) {
      if (child.matches(SKIP) || child.tagName === "SECTION") continue;
      if (/^(P|H\d|DT|SUMMARY|TH|TD|CAPTION|FIGCAPTION)$/.test(child.tagName) ||
          !child.querySelector("p,li,div,dt,table,summary")) {
        const said = text(child);
        if (said) out.push(said);
      } else lines(child, out);
    }
    return out;
  };

  let queue = [];
  let run = 0;  // a new run makes the callbacks of a cancelled one do nothing
  let paused = false;

  const show = (item) => {
    document.querySelectorAll(".listen-current").forEach((n) => n.classList.remove("listen-current"));
    if (item) item.section.classList.add("listen-current");
    status.textContent = item ? `Reading: ${item.heading} (part ${item.part} of ${item.of})` : idle;
  };

  const finish = () => {
    run += 1;
    synth.cancel();
    queue = [];
    paused = false;
    show(null);
    play.textContent = "Listen to this page";
    stop.hidden = true;
  };

  const next = (mine) => {
    if (mine !== run) return;
    const item = queue.shift();
    if (!item) return finish();
    show(item);
    const utterance = new SpeechSynthesisUtterance(item.line);
    // A device voice: a network voice would send the page to a speech service.
    const voices = synth.getVoices().filter((v) => v.localService);
    utterance.voice = voices.find((v) => /^en-ca$/i.test(v.lang)) ||
      voices.find((v) => v.lang.toLowerCase().startsWith(lang)) || null;
    utterance.lang = lang;
    utterance.onend = utterance.onerror = () => next(mine);
    synth.speak(utterance);
  };

  const start = () => {
    finish();
    const sections = [top, ...top.querySelectorAll("section")].filter((s) => !s.closest(SKIP));
    sections.forEach((section, index) => {
      const heading = text(section.querySelector("h1,h2,h3,h4,h5,h6"));
      for (const line of lines(section, [])) {
        queue.push({ section, heading, line, part: index + 1, of: sections.length });
      }
    });
    play.textContent = "Pause reading";
    stop.hidden = false;
    next(run);
  };

  play.addEventListener("click", () => {
    if (stop.hidden) return start();
    synth[paused ? "resume" : "pause"]();
    paused = !paused;
    play.textContent = paused ? "Resume reading" : "Pause reading";
  });
  stop.addEventListener("click", () => { finish(); play.focus(); });
  window.addEventListener("pagehide", finish);
  start();  // the press that loaded this script
};
