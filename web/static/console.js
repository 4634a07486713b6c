// The console's only script: it keeps times current, and keeps the queue (and an open conversation)
// live from the server's event stream, polling instead when the stream cannot be had. Every action
// is a plain form, so the console works, less live, without it.
(function () {
  "use strict";
  var page = document.body.getAttribute("data-page");

  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    if (s < 60) return s + " s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + " min";
    var h = Math.floor(m / 60);
    if (h < 48) return h + " h " + String(m % 60).padStart(2, "0") + " min";
    return Math.floor(h / 24) + " d " + (h % 24) + " h";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-due")) - now;
      el.textContent = left < 0 ? "overdue by " + span(left) : "due in " + span(left);
      el.classList.toggle("overdue", left < 0);
      var row = el.closest("tr");
      if (row) row.classList.toggle("is-overdue", left < 0);
    });
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = span(now - Date.parse(el.getAttribute("data-since")));
    });
  }
  setInterval(tick, 5000);

  var status = document.getElementById("live-status");
  var indicator = document.getElementById("live-indicator");
  // Nurses must know whether what they see is current.
  function live(state) {
    if (!indicator) return;
    indicator.hidden = false;
    indicator.className = "live-indicator " + state;
    indicator.textContent = state === "on" ? "● Live" : state === "poll" ? "Reconnecting… refreshing every 5 s" : "Offline: reload the page";
  }
  // A tab in the background shows how many patients wait unclaimed in its title.
  function countInTitle() {
    var summary = document.getElementById("queue-summary");
    if (!summary) return;
    var n = parseInt(summary.getAttribute("data-unclaimed"), 10) || 0;
    document.title = (n > 0 ? "(" + n + ") " : "") + document.title.replace(/^\(\d+\) /, "");
  }
  countInTitle();
  function announce(text) { if (status) status.textContent = text; }

  function get(url) {
    return fetch(url, { headers: { "X-Console-Fetch": "1" }, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { location.href = "/console/login?next=" + encodeURIComponent(location.pathname + location.search); }
      if (!r.ok) throw new Error("status " + r.status);
      return r.text();
    });
  }

  var refreshQueue = (function () {
    var box = document.getElementById("queue");
    if (!box) return null;
    var busy = false, again = false;
    function ids() {
      var out = {};
      box.querySelectorAll("tr[data-escalation]").forEach(function (tr) { out[tr.getAttribute("data-escalation")] = true; });
      return out;
    }
    return function run() {
      if (busy) { again = true; return; }
      busy = true;
      var before = ids();
      var q = box.getAttribute("data-query");
      get("/console/queue/rows" + (q ? "?" + q : "")).then(function (html) {
        box.innerHTML = html;
        var fresh = 0;
        box.querySelectorAll("tr[data-escalation]").forEach(function (tr) {
          if (!before[tr.getAttribute("data-escalation")]) { tr.classList.add("arrived"); fresh++; }
        });
        if (fresh) announce(fresh === 1 ? "A new patient is waiting." : fresh + " new patients are waiting.");
        countInTitle();
        tick();
      }).catch(function () {}).finally(function () {
        busy = false;
        if (again) { again = false; run(); }
      });
    };
  })();

  var refreshConversation = (function () {
    var panel = document.getElementById("escalation-panel");
    if (!panel) return null;
    return function (id) {
      var esc = panel.getAttribute("data-escalation"), conv = panel.getAttribute("data-conversation");
      if (id !== "*" && id !== esc && id !== "c:" + conv) return;
      // Never throw away what a nurse is typing: say that the conversation changed instead.
      var typing = Array.prototype.some.call(document.querySelectorAll("textarea, input:not([type=hidden])"), function (el) { return el.value !== el.defaultValue; });
      if (typing) { announce("This conversation has changed. Reload to see it."); return; }
      get(location.pathname).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["transcript", "escalation-panel"].forEach(function (part) {
          var fresh = doc.getElementById(part), old = document.getElementById(part);
          if (fresh && old) old.replaceWith(fresh);
        });
        panel = document.getElementById("escalation-panel");
        announce("The conversation was updated.");
        tick();
      }).catch(function () {});
    };
  })();

  function changed(id) {
    // "c:<conversation>" is a new message or a delivery status: the queue's rows do not change.
    if (refreshQueue && id.indexOf("c:") !== 0) refreshQueue();
    if (refreshConversation && id) refreshConversation(id);
  }
  if (!refreshQueue && !refreshConversation) return;

  var polling = null;
  function poll() {
    live("poll");
    if (polling) return;
    polling = setInterval(function () { changed("*"); }, 5000);
  }
  if (!window.EventSource) { poll(); return; }
  var failures = 0, opened = false;
  var es = new EventSource("/console/events");
  es.addEventListener("hello", function () {
    failures = 0;
    if (polling) { clearInterval(polling); polling = null; }
    if (opened) changed("*"); // reconnected: changes may have been missed
    opened = true;
    document.body.setAttribute("data-live", "1");
    live("on");
  });
  es.addEventListener("escalation", function (ev) { changed(ev.data); });
  es.onerror = function () {
    failures++;
    document.body.removeAttribute("data-live");
    if (failures >= 3) poll(); // keep trying the stream, but do not wait for it
  };
})();
