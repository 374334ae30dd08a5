/* Progressive enhancement of the exam pages: autosave through the JSON API and a countdown
   driven by the server's clock. Every page works without this script. */
(function () {
  "use strict";

  var form = document.getElementById("answer-form");
  var timer = document.getElementById("timer");
  var statusEl = document.getElementById("save-status");
  var csrfInput = document.querySelector('input[name="csrf_token"]');
  var csrfToken = csrfInput ? csrfInput.value : "";

  function say(text) {
    if (statusEl) { statusEl.textContent = text; }
  }

  function timeLabel(date) {
    return date.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  /* ---- autosave ---- */
  var pending = null;      // latest payload not yet acknowledged
  var inFlight = false;
  var retryDelay = 1000;
  var seq = form ? parseInt(form.getAttribute("data-seq") || "0", 10) : 0;
  var resultUrl = timer ? timer.getAttribute("data-expired-url") : null;

  function markNavigator(answered) {
    var current = document.querySelector('.navigator [aria-current="step"]');
    if (current) { current.classList.toggle("answered", answered); }
  }

  function flush() {
    if (!pending || inFlight) { return Promise.resolve(); }
    var payload = pending;
    inFlight = true;
    return send("PUT", form.getAttribute("data-save-url"), payload).then(function (response) {
      inFlight = false;
      if (response.ok) {
        if (pending === payload) { pending = null; }
        retryDelay = 1000;
        say("Réponse enregistrée à " + timeLabel(new Date()) + ".");
        markNavigator(payload.selected.length > 0);
        return flush();
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var message = body && body.error ? body.error.message : "Enregistrement refusé.";
        if (response.status === 409 && resultUrl) {
          pending = null;
          window.location.assign(resultUrl);
          return;
        }
        if (response.status === 422) { pending = null; say(message); return; }
        scheduleRetry();
      });
    }, function () {
      inFlight = false;
      say("Connexion perdue : votre réponse sera enregistrée dès le retour du réseau.");
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    window.setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  if (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "answer") {
        var selected = Array.prototype.map.call(
          form.querySelectorAll('input[name="answer"]:checked'), function (input) { return input.value; });
        seq += 1;
        pending = { selected: selected, seq: seq };
        say("Enregistrement…");
        flush();
      } else if (target.name === "flagged") {
        send("PUT", form.getAttribute("data-flag-url"), { flagged: target.checked }).then(function (r) {
          if (r.ok) {
            var current = document.querySelector('.navigator [aria-current="step"]');
            if (current) { current.classList.toggle("flagged", target.checked); }
            say(target.checked ? "Question marquée à revoir." : "Marque retirée.");
          }
        }, function () { say("Connexion perdue : la marque sera enregistrée avec la page."); });
      }
    });
    window.addEventListener("online", flush);
  }

  /* ---- countdown ---- */
  if (!timer) { return; }
  var deadline = Date.parse(timer.getAttribute("data-deadline"));
  var offset = Date.parse(timer.getAttribute("data-server-time")) - Date.now();
  var live = timer.querySelector(".timer-live");
  var value = timer.querySelector(".timer-value");
  var announcer = document.getElementById("timer-announcer");
  var announced = {};
  var thresholds = [[300, "Il reste 5 minutes."], [60, "Il reste 1 minute."]];
  var expired = false;

  live.hidden = false;
  timer.querySelector(".timer-static").hidden = true;

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + " h " : "") + mm + " min " + String(s).padStart(2, "0") + " s";
  }

  /* Extra time granted after an incident moves the deadline on the server: ask it at each
     warning threshold and before submitting at zero, never every second. */
  var attemptUrl = timer.getAttribute("data-attempt-url");
  var endLabel = timer.querySelector(".timer-deadline");
  var checking = false;

  function parisTime(date) {
    return date.toLocaleTimeString("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit" })
      .replace(":", " h ");
  }

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - (Date.now() + offset)) / 1000));
  }

  function refreshDeadline() {
    if (!attemptUrl) { return Promise.resolve(); }
    return fetch(attemptUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || body.status !== "in_progress" || !body.deadline) { return; }
        var next = Date.parse(body.deadline);
        if (!(next > deadline)) { return; }
        deadline = next;
        var left = secondsLeft();
        thresholds.forEach(function (pair) { if (left > pair[0]) { announced[pair[0]] = false; } });
        if (left > thresholds[0][0]) { timer.classList.remove("timer-warning"); }
        if (endLabel) { endLabel.textContent = parisTime(new Date(deadline)); }
        if (announcer) {
          announcer.textContent = "Temps supplémentaire accordé : fin de l'épreuve à " +
            parisTime(new Date(deadline)) + ".";
        }
      }, function () {});
  }

  function finish() {
    expired = true;
    if (announcer) { announcer.textContent = "Temps écoulé : votre copie est remise."; }
    var submitUrl = timer.getAttribute("data-submit-url");
    (form ? flush() : Promise.resolve()).then(function () {
      return send("POST", submitUrl, {});
    }).then(function () {
      window.location.assign(resultUrl);
    }, function () {
      window.location.assign(resultUrl);
    });
  }

  function tick() {
    var remaining = secondsLeft();
    value.textContent = format(remaining);
    thresholds.forEach(function (pair) {
      if (remaining <= pair[0] && remaining > 0 && !announced[pair[0]]) {
        announced[pair[0]] = true;
        if (announcer) { announcer.textContent = pair[1]; }
        timer.classList.add("timer-warning");
        refreshDeadline();
      }
    });
    if (remaining === 0 && !expired) {
      if (checking) { return; }
      checking = true;
      var giveUp = new Promise(function (resolve) { window.setTimeout(resolve, 5000, false); });
      Promise.race([refreshDeadline(), giveUp]).then(function () {
        checking = false;
        if (secondsLeft() > 0) { tick(); } else { finish(); }
      });
      return;
    }
    if (!expired) { window.setTimeout(tick, 1000); }
  }
  // a threshold passed well before this page loaded is not announced again
  var initial = secondsLeft();
  thresholds.forEach(function (pair) {
    if (initial < pair[0] - 5) { announced[pair[0]] = true; timer.classList.add("timer-warning"); }
  });
  tick();
})();
