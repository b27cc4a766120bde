/* Knowledge-base helpers, CSP-friendly (no inline script, no HTML injection):
 * 1. beside the ask form, suggest notes while the member types (POST /kb/suggest: the question
 *    travels in the body, never in a URL that access logs keep) and record when one is opened
 *    (POST /kb/suggest/opened); both send the CSRF token header;
 * 2. on a ticket, "insert link" buttons append a note's link to the answer textarea.
 * Without JavaScript the form still works and the panel simply stays hidden. */
(function () {
  "use strict";

  var MIN_CHARS = 12;
  var DELAY_MS = 400;

  function initSuggestions(panel) {
    var subject = document.getElementById("subject");
    var body = document.getElementById("body");
    var list = panel.querySelector("ul");
    var form = subject ? subject.form : null;
    if (!subject || !body || !list || !window.fetch) { return; }
    if (form && !form.querySelector("input[name=kb_session]")) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "kb_session";
      hidden.value = panel.dataset.session;
      form.appendChild(hidden);
    }
    var timer = null;
    var lastQuery = "";
    var pending = null;

    function question() {
      return (subject.value + " " + body.value).replace(/\s+/g, " ").trim().slice(0, 1000);
    }

    function show(suggestions) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      suggestions.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = item.title;
        link.dataset.noteId = String(item.id);
        li.appendChild(link);
        if (item.snippet) {
          var small = document.createElement("small");
          small.textContent = " " + item.snippet;
          li.appendChild(document.createElement("br"));
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      panel.hidden = suggestions.length === 0;
    }

    function lookUp() {
      var text = question();
      if (text.length < MIN_CHARS || text === lastQuery) { return; }
      lastQuery = text;
      if (pending && pending.abort) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      fetch(panel.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/json",
                   "X-CSRFToken": panel.dataset.csrf },
        body: JSON.stringify({ q: text, session: panel.dataset.session }),
        signal: pending ? pending.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (data) {
        show(data.suggestions || []);
      }).catch(function () { /* suggestions are optional: ignore network errors */ });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, DELAY_MS);
    }

    subject.addEventListener("input", schedule);
    body.addEventListener("input", schedule);
    list.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-note-id]") : null;
      if (!link) { return; }
      fetch(panel.dataset.openedUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrf },
        body: JSON.stringify({ note_id: Number(link.dataset.noteId),
                               session: panel.dataset.session })
      }).catch(function () { /* best effort */ });
    });
    schedule();
  }

  function initInsertButtons() {
    var buttons = document.querySelectorAll("button[data-kb-insert]");
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.dataset.kbTarget);
      if (!target) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.dataset.kbInsert;
        var current = target.value.replace(/\s+$/, "");
        target.value = current ? current + "\n\n" + text : text;
        target.focus();
      });
    });
  }

  function start() {
    var panel = document.getElementById("kb-suggestions");
    if (panel && !panel.dataset.started) {
      panel.dataset.started = "1";
      initSuggestions(panel);
    }
    if (!document.body.dataset.kbInsertStarted) {
      document.body.dataset.kbInsertStarted = "1";
      initInsertButtons();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
