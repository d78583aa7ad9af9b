// The reviewer workspace: what htmx cannot do. Turns a text selection into code-point
// offsets of the article text, and binds the keys. Everything else is htmx and forms.
(function () {
  "use strict";

  const body = () => document.getElementById("article-body");
  const panel = () => document.getElementById("panel");
  const sentences = () => Array.from(document.querySelectorAll("#article-body .sentence"));
  let current = null; // data-index of the sentence the reviewer is on
  // A panel opened from the keyboard takes focus, so Tab reaches its form next.
  let focusPanelOnOpen = false;

  // --- offsets -------------------------------------------------------------------------
  // The server counts Unicode code points; the DOM counts UTF-16 units. Every text piece
  // sits in a .seg element whose data-start is its code-point offset in the article.
  function codePoints(text) {
    return Array.from(text).length;
  }

  function segOf(node) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    return element ? element.closest(".seg") : null;
  }

  function pointToOffset(node, offset) {
    let seg = segOf(node);
    if (seg && node.nodeType === Node.TEXT_NODE) {
      return Number(seg.dataset.start) + codePoints(node.data.slice(0, offset));
    }
    // The point is between elements: use the segment that starts there.
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const child = element.childNodes[offset];
    seg = child ? (child.matches && child.matches(".seg") ? child : child.querySelector && child.querySelector(".seg")) : null;
    if (seg) return Number(seg.dataset.start);
    const segs = element.querySelectorAll(".seg");
    const last = segs[segs.length - 1] || segOf(element);
    return last ? Number(last.dataset.start) + codePoints(last.textContent) : null;
  }

  function paragraphOf(node) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    return element ? element.closest(".para") : null;
  }

  // The exact text of [start, end) rebuilt from the segments, so it matches the article.
  function textBetween(paragraph, start, end) {
    let text = "";
    for (const seg of paragraph.querySelectorAll(".seg")) {
      const chars = Array.from(seg.textContent);
      const segStart = Number(seg.dataset.start);
      const from = Math.max(start, segStart), to = Math.min(end, segStart + chars.length);
      if (from < to) text += chars.slice(from - segStart, to - segStart).join("");
    }
    return text;
  }

  function selectionRange() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!body() || !body().contains(range.commonAncestorContainer)) return null;
    const paragraph = paragraphOf(range.startContainer);
    if (!paragraph || paragraph !== paragraphOf(range.endContainer)) {
      return { error: "Select text within one paragraph." };
    }
    let start = pointToOffset(range.startContainer, range.startOffset);
    let end = pointToOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return null;
    let exact = textBetween(paragraph, start, end);
    // Trim the spaces a double-click or a sloppy drag picks up.
    const lead = codePoints(exact) - codePoints(exact.replace(/^\s+/u, ""));
    const trail = codePoints(exact) - codePoints(exact.replace(/\s+$/u, ""));
    start += lead;
    end -= trail;
    if (start >= end) return null;
    exact = textBetween(paragraph, start, end);
    return { start, end, exact };
  }

  // --- panel ---------------------------------------------------------------------------
  function openPanel(url) {
    return htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
  }

  function panelUrl(start, end, exact) {
    const params = new URLSearchParams({ start, end });
    if (exact !== undefined) params.set("exact", exact);
    return body().dataset.spanUrl + "?" + params.toString();
  }

  function openSelection() {
    const picked = selectionRange();
    if (!picked) return false;
    if (picked.error) {
      panel().innerHTML = "";
      const message = document.createElement("p");
      message.className = "error";
      message.setAttribute("role", "alert");
      message.textContent = picked.error;
      panel().appendChild(message);
      return true;
    }
    openPanel(panelUrl(picked.start, picked.end, picked.exact));
    return true;
  }

  function closePanel() {
    const form = panel().querySelector("form");
    if (!form) return;
    panel().innerHTML = '<p class="panel-empty">Choose a sentence or select text to tag it.</p>';
    panel().classList.remove("expanded");
    focusSentence(current);
  }

  // --- phone sheet ---------------------------------------------------------------------
  // On a narrow screen the open panel is a sheet fixed over the bottom of the page: scroll
  // the sentence being tagged into the part of the viewport above it.
  function keepSentenceAboveSheet() {
    const sheet = panel();
    const inner = sheet && sheet.querySelector(".panel-inner");
    if (!inner || getComputedStyle(sheet).position !== "fixed") return;
    // The reviewer may give the form more room (and cover the text) on demand.
    const expand = sheet.querySelector("[data-expand]");
    if (expand) {
      expand.hidden = false;
      const expanded = sheet.classList.contains("expanded");
      expand.setAttribute("aria-expanded", String(expanded));
      expand.textContent = expanded ? "Shrink" : "Expand";
    }
    const start = Number(inner.dataset.start);
    const tagged = sentences().find((s) => Number(s.dataset.start) <= start && start < Number(s.dataset.end));
    if (!tagged) return;
    const box = tagged.getBoundingClientRect();
    const above = sheet.getBoundingClientRect().top;
    const margin = 12;
    if (box.top >= margin && box.bottom <= above - margin) return;
    // Put the sentence just under the top; a long one shows its start.
    window.scrollBy(0, box.top - margin);
  }

  // --- sentences -----------------------------------------------------------------------
  function focusSentence(index) {
    if (index === null) return;
    const target = document.getElementById("s-" + index);
    if (target) {
      target.focus();
      current = Number(index);
    }
  }

  function move(step) {
    const all = sentences();
    if (!all.length) return;
    const at = all.findIndex((s) => Number(s.dataset.index) === current);
    const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    focusSentence(all[next].dataset.index);
  }

  function nextCheckWorthy() {
    const all = sentences();
    const at = all.findIndex((s) => Number(s.dataset.index) === current);
    for (let i = 1; i <= all.length; i++) {
      const candidate = all[(at + i) % all.length];
      if (!candidate.classList.contains("furniture") && !candidate.classList.contains("tagged")) {
        focusSentence(candidate.dataset.index);
        return;
      }
    }
  }

  function chooseLabel(key) {
    const radio = panel().querySelector('input[name="label"][data-key="' + key + '"]');
    if (!radio) return false;
    radio.checked = true;
    if (key === "a") {
      const who = panel().querySelector("#id_attributed_to");
      who.focus();
      who.select();
    } else {
      radio.focus();
    }
    return true;
  }

  function isTyping(target) {
    return target.matches && target.matches("input:not([type=radio]):not([type=checkbox]), textarea, select, [contenteditable]");
  }

  // Arrow keys belong to a focused form control (a radio group moves its choice with
  // them); j/k and the arrows move between sentences only outside one.
  function inFormControl(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, button, [contenteditable]"));
  }

  document.addEventListener("click", function (event) {
    const sentence = event.target.closest && event.target.closest("#article-body .sentence");
    if (!sentence || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    current = Number(sentence.dataset.index);
    // detail is 0 for the click that Enter on a focused link makes.
    focusPanelOnOpen = event.detail === 0;
    const selection = window.getSelection();
    // A drag that selected text is handled on mouseup; a plain click opens the sentence.
    if (selection && !selection.isCollapsed) return;
    openPanel(sentence.getAttribute("href"));
  });

  document.addEventListener("mouseup", function (event) {
    if (!body() || !body().contains(event.target)) return;
    // After the browser has settled the selection.
    window.setTimeout(openSelection, 0);
  });

  document.addEventListener("focusin", function (event) {
    const sentence = event.target.closest && event.target.closest("#article-body .sentence");
    if (sentence) current = Number(sentence.dataset.index);
  });

  document.addEventListener("keydown", function (event) {
    const help = document.getElementById("help");
    if (event.key === "Escape") {
      if (help && help.open) return; // the dialog closes itself
      event.preventDefault();
      closePanel();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = panel().querySelector("form.verdict-form");
      if (form) {
        event.preventDefault();
        htmx.trigger(form, "submit");
      }
      return;
    }
    if (isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    const handled = (function () {
      switch (event.key) {
        case "j": case "ArrowDown":
          if (inFormControl(event.target)) return false;
          move(1); return true;
        case "k": case "ArrowUp":
          if (inFormControl(event.target)) return false;
          move(-1); return true;
        case "]": nextCheckWorthy(); return true;
        case "v": case "d": case "a": return chooseLabel(event.key);
        case "n": {
          const note = panel().querySelector("#id_note");
          if (note) note.focus();
          return Boolean(note);
        }
        case "h": case "r": {
          // "Still holds" / "re-check" on a sentence changed since I reviewed it.
          const answer = panel().querySelector('button[data-flag-key="' + event.key + '"]');
          if (answer) answer.click();
          return Boolean(answer);
        }
        case "?": if (help) help.showModal(); return Boolean(help);
        default: return false;
      }
    })();
    if (handled) event.preventDefault();
  });

  // The panel's own links: close without a page load.
  document.addEventListener("click", function (event) {
    const expand = event.target.closest && event.target.closest("[data-expand]");
    if (expand) {
      const expanded = panel().classList.toggle("expanded");
      expand.setAttribute("aria-expanded", String(expanded));
      expand.textContent = expanded ? "Shrink" : "Expand";
      return;
    }
    if (event.target.closest && event.target.closest("[data-close]")) {
      event.preventDefault();
      closePanel();
    }
  });

  // Keep the reviewer's place when the live poll replaces the article body.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "article-body") {
      event.detail.hadFocus = body().contains(document.activeElement);
    }
  });
  // Right after the swap, in the same task: a key pressed once the panel shows (say "a",
  // which focuses "attributed to") must not have its focus taken back at settle time.
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id === "panel") {
      const title = document.getElementById("panel-title");
      // After a sentence opens the panel, keep keyboard focus where it was unless lost,
      // or the panel was opened from the keyboard.
      const lost = document.activeElement === document.body || !document.activeElement;
      if (title && (lost || focusPanelOnOpen)) title.focus({ preventScroll: true });
      focusPanelOnOpen = false;
      keepSentenceAboveSheet();
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail.target;
    if (target && target.id === "article-body" && current !== null && document.activeElement === document.body) {
      focusSentence(current);
    }
  });
})();
