/* A "copy link to this section" button on every section heading (h2 and below), beside Furo's ¶
   permalink. Page titles have none: the address bar already holds that link, and a hidden button
   that wrapped under a long title left a blank line. */
(() => {
  "use strict";
  const ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">' +
    '<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1"/></svg>';

  // One live region announces the result to screen readers.
  const status = document.createElement("p");
  status.className = "copy-link-status";
  status.setAttribute("role", "status");
  document.body.append(status);

  function announce(message) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = message; }, 50);  // re-announce on repeat clicks
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Older browsers, or pages opened from disk: copy through a hidden text area.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      const copied = document.execCommand("copy");
      area.remove();
      return copied;
    }
  }

  function headingText(heading) {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink, .copy-link").forEach((node) => node.remove());
    return copy.textContent.trim();
  }

  const headings = document.querySelectorAll(
    'article[role="main"] section > :is(h2, h3, h4, h5, h6)');
  for (const heading of headings) {
    const permalink = heading.querySelector("a.headerlink");
    const id = permalink ? decodeURIComponent(permalink.hash.slice(1)) : heading.parentElement.id;
    if (!id) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.title = "Copy link to this section";
    button.setAttribute("aria-label", `Copy link to this section: ${headingText(heading)}`);
    button.innerHTML = `${ICON}<span class="copy-link-done" aria-hidden="true">Link copied</span>`;
    button.addEventListener("click", async () => {
      const url = new URL(`#${encodeURIComponent(id)}`, window.location.href).href;
      if (await copyText(url)) {
        button.classList.add("copied");
        announce("Link copied");
        window.setTimeout(() => button.classList.remove("copied"), 2500);
      } else {
        announce(`Could not copy. The link is ${url}`);
      }
    });
    heading.append(button);
  }
})();
