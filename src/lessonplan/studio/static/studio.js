// lessonplan studio: display toggles and live compile progress. Pages work without this script.
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // --- furigana / romaji / translations toggles, remembered across pages -----------------------
  function setupToggles() {
    var body = document.body;
    var prefs = { furigana: true, romaji: false, translations: false, answers: false };
    try { Object.assign(prefs, JSON.parse(localStorage.getItem("lessonplan.display") || "{}")); } catch (e) {}
    function apply() {
      body.classList.toggle("furigana-on", !!prefs.furigana);
      body.classList.toggle("furigana-off", !prefs.furigana);
      body.classList.toggle("romaji-on", !!prefs.romaji);
      body.classList.toggle("answers-on", !!prefs.answers);
      document.querySelectorAll("details.translation").forEach(function (d) { d.open = !!prefs.translations; });
      document.querySelectorAll("details.answer-key").forEach(function (d) { d.open = !!prefs.answers; });
      try { localStorage.setItem("lessonplan.display", JSON.stringify(prefs)); } catch (e) {}
    }
    [["toggle-furigana", "furigana"], ["toggle-romaji", "romaji"], ["toggle-translations", "translations"], ["toggle-answers", "answers"]].forEach(function (pair) {
      var box = document.getElementById(pair[0]);
      if (!box) { return; }
      box.checked = !!prefs[pair[1]];
      box.addEventListener("change", function () { prefs[pair[1]] = box.checked; apply(); });
    });
    apply();
  }

  // --- compile with live progress over server-sent events --------------------------------------
  function parseEvents(buffer, onEvent) {
    var parts = buffer.split(/\r?\n\r?\n/);
    var rest = parts.pop();
    parts.forEach(function (block) {
      var name = "message", data = [];
      block.split(/\r?\n/).forEach(function (line) {
        if (line.indexOf("event:") === 0) { name = line.slice(6).trim(); }
        else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
      });
      if (data.length) {
        try { onEvent(name, JSON.parse(data.join("\n"))); } catch (e) { /* a ping or a comment */ }
      }
    });
    return rest;
  }

  function setupCompile() {
    var form = document.getElementById("compile-form");
    if (!form || !window.fetch || !window.TextDecoder) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var progress = document.getElementById("progress");
      var message = document.getElementById("progress-message");
      var live = document.getElementById("live-stages");
      var button = document.getElementById("compile-button");
      var open = document.getElementById("open-lesson");
      progress.hidden = false;
      open.hidden = true;
      live.innerHTML = "";
      message.textContent = "Planning the lesson…";
      button.disabled = true;
      progress.querySelectorAll("li").forEach(function (li) { li.className = ""; li.querySelector(".detail").textContent = ""; });
      progress.querySelector('li[data-step="plan"]').className = "running";
      function step(name, status, detail) {
        var li = progress.querySelector('li[data-step="' + name + '"]');
        if (!li) { return; }
        li.className = status;
        li.querySelector(".detail").textContent = detail || "";
      }
      function onEvent(name, data) {
        if (name === "plan") {
          step("plan", "done", data.source + (data.model && data.model !== data.source ? " · " + data.model : ""));
          step("content", "running");
          message.textContent = "Writing the content…";
        } else if (name === "stage") {
          step(data.stage, data.status, data.error || data.source);
          if (data.stage === "content") {
            ["comprehension", "production", "interaction"].forEach(function (s) { step(s, "running"); });
            message.textContent = "Writing the activities…";
          }
          if (data.html) {
            var section = document.createElement("section");
            section.className = "card stage";
            section.id = "live-" + data.stage;
            section.innerHTML = "<h2>" + data.stage.charAt(0).toUpperCase() + data.stage.slice(1) + "</h2>" + data.html;
            live.appendChild(section);
          }
        } else if (name === "lesson") {
          message.textContent = "Stored as " + data.lesson_id + " version " + data.version + " (" + data.status + "): a draft until it is reviewed and published.";
          var link = open.querySelector("a");
          link.href = data.url;
          link.id = "open-compiled-lesson";
          open.hidden = false;
          button.disabled = false;
        } else if (name === "error") {
          message.textContent = "The compile failed: " + data.message;
          message.className = "flash bad";
          button.disabled = false;
        }
      }
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute("data-stream"), {
        method: "POST",
        body: body,
        headers: { "X-CSRF-Token": csrf(), "Accept": "text/event-stream" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok || !response.body) {
          return response.text().then(function (text) {
            var doc = new DOMParser().parseFromString(text, "text/html");
            var found = doc.querySelector(".message");
            onEvent("error", { message: found ? found.textContent : "HTTP " + response.status });
          });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { parseEvents(buffer + "\n\n", onEvent); return; }
            buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
            return pump();
          });
        }
        return pump();
      }).catch(function (err) { onEvent("error", { message: String(err) }); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupToggles();
    setupCompile();
  });
})();
