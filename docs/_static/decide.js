/* The decision guide (decide.html): show the research for the chosen problem, build the printable
   summary from the answers, and keep them on this device only if the reader asks.
   The page works without this script: its HTML holds every question as a native form control, and
   links each problem's research on its own page.
   No answer leaves the browser. The first choice of a problem fetches every problem's research from
   this site, in one file (the one the research list names, data-fetch-on-choice), so the request
   never tells the site which problem was chosen; the only storage is localStorage, and only when
   "Keep my answers on this device" is ticked. */
(() => {
  "use strict";
  const STORAGE_KEY = "decide-answers";
  const questions = [...document.querySelectorAll(".decide-question")];
  if (!questions.length) return;
  document.documentElement.classList.add("decide-enhanced");

  const sheet = document.getElementById("decide-sheet");
  const keep = document.getElementById("decide-keep");
  const storageStatus = document.getElementById("decide-storage-status");
  const researchStatus = document.getElementById("decide-research-status");
  const researchShown = document.createElement("div");  // the chosen problem's research, once fetched
  researchStatus?.after(researchShown);
  const researchList = document.querySelector(".research-links[data-fetch-on-choice]");
  let research = null;  // every problem's research (a promise of its parsed file), fetched once per page view

  const controls = () => questions.flatMap((q) => [...q.querySelectorAll("input, textarea")]);
  const clean = (text) => text.replace(/\s+/g, " ").trim();
  const labelText = (input) => clean(input.closest("label").textContent);
  const legendText = (fieldset) => clean(fieldset.querySelector(":scope > legend").textContent);
  // What the summary calls a question: its `data-summary` words, or its own legend or label.
  const summaryTitle = (question) => question.dataset.summary ||
    (question.tagName === "FIELDSET" ? legendText(question) : clean(question.querySelector("label").textContent));

  // The heading text of a step, without the permalink and copy-link button.
  function stepTitle(section) {
    const heading = section.querySelector(":scope > h2").cloneNode(true);
    heading.querySelectorAll("a, button").forEach((el) => el.remove());
    return clean(heading.textContent);
  }

  /* -- Answers ----------------------------------------------------------------------------- */

  function readAnswers() {
    const data = {};
    for (const control of controls()) {
      if (control.type === "radio" && control.checked) data[control.name] = control.value;
      else if (control.type === "checkbox" && control.checked) (data[control.name] ||= []).push(control.value);
      else if (control.tagName === "TEXTAREA" && control.value.trim()) data[control.name] = control.value;
    }
    return data;
  }

  function writeAnswers(data) {
    for (const control of controls()) {
      const saved = data[control.name];
      if (control.tagName === "TEXTAREA") control.value = typeof saved === "string" ? saved : "";
      else if (control.type === "checkbox") control.checked = Array.isArray(saved) && saved.includes(control.value);
      else control.checked = saved === control.value;
    }
  }

  /* -- Storage: only when asked ---------------------------------------------------------------- */

  function storage() {
    try {
      return window.localStorage;
    } catch {
      return null;  // storage blocked by the browser: the guide still works, it just cannot keep answers
    }
  }

  function save() {
    if (keep && keep.checked) storage()?.setItem(STORAGE_KEY, JSON.stringify(readAnswers()));
  }

  function forget() {
    storage()?.removeItem(STORAGE_KEY);
  }

  function announce(element, message) {
    if (!element) return;
    element.textContent = "";
    window.setTimeout(() => { element.textContent = message; }, 50);
  }

  /* -- Research for the chosen problem ------------------------------------------------------- */

  function fetchResearch() {
    if (!research) {
      const url = researchList.dataset.fetchOnChoice;
      research = fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        return response.text();
      }).then((html) => {
        const file = document.createElement("template");
        file.innerHTML = html;  // this site's own file, written by the build
        return file.content;
      });
      research.catch(() => { research = null; });  // choosing again tries again
    }
    return research;
  }

  // The chosen problem's block, as a summary titled with the link to its findings (the file leaves both out).
  function researchBlock(all, key, item) {
    const block = all.querySelector(`[data-condition="${key}"]`);
    if (!block) throw new Error(`no research for ${key}`);
    const summary = block.cloneNode(true);
    summary.className = "evidence-summary compact";
    const title = element("p", undefined, "evidence-summary-title");
    title.append(item.querySelector("a").cloneNode(true));
    summary.prepend(title);
    return summary;
  }

  function showResearch() {
    const chosen = document.querySelector('input[name="problem"]:checked');
    const key = chosen ? chosen.value : "";
    // Only when the choice changes: the live status is not rewritten on every key pressed.
    if (!researchStatus || researchStatus.dataset.state === key) return;
    researchStatus.dataset.state = key;
    researchStatus.hidden = false;
    researchShown.replaceChildren();
    const item = chosen && researchList?.querySelector(`li[data-condition="${key}"]`);
    if (!item) {
      researchStatus.textContent = "Choose your problem in step 1 to see its research here.";
      return;
    }
    const name = labelText(chosen);
    researchStatus.textContent = `Getting the research for: ${name}.`;
    // One file with every problem's research, not only the chosen one's: the site's logs must not learn the answer.
    fetchResearch().then((all) => {
      if (researchStatus.dataset.state !== key) return;  // the reader chose another problem meanwhile
      researchShown.replaceChildren(researchBlock(all, key, item));
      researchStatus.textContent = `Showing research for: ${name}.`;
    }).catch(() => {
      if (researchStatus.dataset.state !== key) return;
      const again = element("button", "Try again", "decide-link-button");
      again.type = "button";
      again.addEventListener("click", () => {
        researchStatus.dataset.state = "";
        showResearch();
      });
      researchStatus.replaceChildren(`The research for ${name} could not be loaded: you may be offline. `, again,
        " or read it on its page: ", item.querySelector("a").cloneNode(true), ".");
    });
  }

  /* -- The summary sheet ------------------------------------------------------------------- */

  function element(tag, text, className) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  // [question, answer] pairs for one question, in page order; none when unanswered.
  function answered(question) {
    const kind = question.classList;
    if (kind.contains("decide-text")) {
      const value = question.querySelector("textarea").value.trim();
      return value ? [[summaryTitle(question), value]] : [];
    }
    if (kind.contains("decide-rate")) {
      return [...question.querySelectorAll(".decide-item")].flatMap((item) => {
        const picked = item.querySelector("input:checked");
        return picked ? [[legendText(item), labelText(picked)]] : [];
      });
    }
    const picked = [...question.querySelectorAll("input:checked")].map(labelText);
    if (!picked.length) return [];
    return [[summaryTitle(question), kind.contains("decide-checkbox") ? picked : picked[0]]];
  }

  function answerList(pairs) {
    const list = element("dl", undefined, "decide-sheet-answers");
    for (const [question, answer] of pairs) {
      list.append(element("dt", question));
      const dd = element("dd");
      if (Array.isArray(answer)) {
        const ul = element("ul");
        answer.forEach((a) => ul.append(element("li", a)));
        dd.append(ul);
      } else {
        dd.textContent = answer;  // line breaks show through white-space: pre-line
      }
      list.append(dd);
    }
    return list;
  }

  function readinessNote(question) {
    const items = [...question.querySelectorAll(".decide-item")];
    const noes = items.filter((item) => item.querySelector('input[value="no"]:checked')).length;
    if (!noes) return null;
    return element("p", `You answered no to ${noes} of ${items.length}. A no is a sign to ask more, ` +
      "or to take more time, before you decide.", "decide-sheet-note");
  }

  function buildSummary() {
    if (!sheet) return;
    const steps = new Map();
    for (const question of questions) {
      const section = question.closest("section#decide > section");
      if (!steps.has(section)) steps.set(section, []);
      steps.get(section).push(question);
    }
    const parts = [element("p", "My answers, to talk over with my physio. " +
      `Made on ${new Date().toLocaleDateString("en-CA", { year: "numeric", month: "long", day: "numeric" })}.`,
      "decide-sheet-intro")];
    let count = 0;
    for (const [section, stepQuestions] of steps) {
      const part = element("div", undefined, "decide-sheet-step");
      part.append(element("h3", stepTitle(section)));
      const pairs = stepQuestions.flatMap(answered);
      count += pairs.length;
      const ask = stepQuestions.find((q) => q.dataset.name === "ask");
      if (ask && !answered(ask).length) {  // none ticked: the sheet still carries every question to ask
        pairs.unshift(["Questions to ask (you ticked none, so here are all of them)",
          [...ask.querySelectorAll("input")].map(labelText)]);
      }
      part.append(pairs.length ? answerList(pairs) : element("p", "No answers yet.", "decide-sheet-empty"));
      const ready = stepQuestions.find((q) => q.dataset.name === "ready");
      const note = ready && readinessNote(ready);
      if (note) part.append(note);
      parts.push(part);
    }
    const notes = element("div", undefined, "decide-sheet-step decide-sheet-notes");
    notes.append(element("h3", "Notes from my visit"), element("div", undefined, "decide-sheet-lines"));
    parts.push(notes);  // printed only: room to write down what the physio says
    sheet.replaceChildren(...parts);
    sheet.dataset.answers = String(count);
  }

  /* -- Wiring -------------------------------------------------------------------------------- */

  function update() {
    showResearch();
    buildSummary();
    save();
  }

  const saved = storage()?.getItem(STORAGE_KEY);
  if (saved && keep) {
    try {
      writeAnswers(JSON.parse(saved));
      keep.checked = true;
    } catch {
      forget();  // unreadable: start afresh rather than fail
    }
  }

  for (const question of questions) {
    question.addEventListener("change", update);
    question.addEventListener("input", update);
  }
  if (keep) {
    keep.addEventListener("change", () => {
      if (keep.checked) {
        save();
        announce(storageStatus, "Your answers will be kept in this browser until you clear them.");
      } else {
        forget();
        announce(storageStatus, "Your answers will not be kept. Nothing is saved on this device.");
      }
    });
  }
  document.getElementById("decide-clear")?.addEventListener("click", () => {
    writeAnswers({});
    forget();
    if (keep) keep.checked = false;
    update();
    announce(storageStatus, "Your answers are cleared from this page and this device.");
  });
  document.getElementById("decide-print")?.addEventListener("click", () => window.print());
  document.querySelectorAll(".decide-storage, .decide-print").forEach((el) => { el.hidden = false; });
  update();
  // Answers the browser restores on reload or on going back come after this script ran: show them too.
  window.addEventListener("pageshow", update);
})();
