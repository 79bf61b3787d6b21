/* "Listen to this page": the button, where the browser can speak. The reading itself
   (listen-reader.js, named by this script's data-reader) loads at the first press. */
(() => {
  "use strict";
  const script = document.currentScript;
  const title = document.querySelector('article[role="main"] section > h1');
  if (!window.speechSynthesis || !window.SpeechSynthesisUtterance || !title || !script) return;
  const box = document.createElement("div");
  box.className = "listen";
  box.innerHTML = '<button type="button" aria-describedby="listen-status">Listen to this page</button> ' +
    '<button type="button" hidden>Stop reading</button> ' +
    '<span id="listen-status">Reads the page aloud with your device\'s voice.</span>';
  (title.parentElement.querySelector(":scope > .page-meta") || title).after(box);
  box.firstChild.addEventListener("click", () => {
    box.lastChild.textContent = "Starting…";
    const reader = document.createElement("script");
    reader.src = script.dataset.reader;
    reader.onload = () => window.listenReader(box, title);
    reader.onerror = () => { box.lastChild.textContent = "Listening needs a connection the first time."; };
    document.head.append(reader);
  }, { once: true });
})();
