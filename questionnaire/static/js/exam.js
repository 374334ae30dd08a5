/* Progressive enhancement of the exam pages: autosave through the JSON API and a countdown
   driven by the server's clock. Every page works without this script.

   The candidate must never believe something is saved when it is not: every change goes
   through one queue, each answer of the server is read (``applied``, error codes), and the
   status region is written only when what it says changes, so screen readers hear each state
   once. */
(function () {
  "use strict";

  var form = document.getElementById("answer-form");
  var timer = document.getElementById("timer");
  var statusEl = document.getElementById("save-status");
  var csrfInput = document.querySelector('input[name="csrf_token"]');
  var csrfToken = csrfInput ? csrfInput.value : "";
  var resultUrl = timer ? timer.getAttribute("data-expired-url") : null;
  // the server's clock as the page knows it: deadlines and sequence numbers follow it
  var offset = timer ? Date.parse(timer.getAttribute("data-server-time")) - Date.now() : 0;

  function serverNow() { return Date.now() + offset; }

  var parisFormat = new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });

  function clockTime(date) {
    var parts = {};
    parisFormat.formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return parts.hour + " h " + parts.minute;
  }

  /* "19 h 03", Paris time, as the server writes the deadline; an hour the clocks show twice
     (the autumn change) names its side, "02 h 20 heure d'hiver", as the server does too. */
  function parisTime(date) {
    var text = clockTime(date), hour = 3600 * 1000;
    if (clockTime(new Date(date.getTime() - hour)) === text) { return text + " heure d'hiver"; }
    if (clockTime(new Date(date.getTime() + hour)) === text) { return text + " heure d'été"; }
    return text;
  }

  var shown = null;  // what the status region says now

  /* Write to the status region only when the state changes (a retry must not re-announce). */
  function say(text, link) {
    var key = text + (link ? "|" + link.href : "");
    if (!statusEl || shown === key) { return; }
    shown = key;
    statusEl.textContent = text;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      statusEl.appendChild(document.createTextNode(" "));
      statusEl.appendChild(anchor);
    }
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  /* ---- navigator: classes and accessible text as the server renders them ---- */
  function markNavigator(answered, flagged) {
    var button = document.querySelector('.navigator [aria-current="step"]');
    if (!button) { return; }
    if (answered === undefined) { answered = button.classList.contains("answered"); }
    if (flagged === undefined) { flagged = button.classList.contains("flagged"); }
    button.classList.toggle("answered", answered);
    button.classList.toggle("flagged", flagged);
    button.textContent = button.getAttribute("data-position");
    if (flagged) {
      var symbol = document.createElement("span");
      symbol.setAttribute("aria-hidden", "true");
      symbol.textContent = "⚑";
      button.appendChild(document.createTextNode(" "));
      button.appendChild(symbol);
    }
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = (answered ? "répondue" : "sans réponse") + (flagged ? ", marquée à revoir" : "");
    button.appendChild(document.createTextNode(" "));
    button.appendChild(hidden);
  }

  /* ---- one queue for answers and flags ---- */
  var urls = form ? { answer: form.getAttribute("data-save-url"), flag: form.getAttribute("data-flag-url") } : {};
  var queue = { answer: null, flag: null };  // the latest change of each kind not yet sent
  var inFlight = null;
  var retryTimer = null;
  var retryDelay = 1000;
  var failures = 0;
  var trouble = null;      // "offline" or "server" while changes wait for a retry
  var troubleCode = 0;
  var halted = null;       // {text, link} once the server refused for good: nothing more is sent
  var confirmations = {};  // what the server confirmed since the queue was last empty
  var lastSaved = null;    // Paris time of the last answer the server confirmed from this page
  var waiters = [];
  var timeUp = false;
  var leaving = false;     // the page is being left on purpose: nothing to ask
  var seq = form ? parseInt(form.getAttribute("data-seq") || "0", 10) : 0;

  function isPending() { return Boolean(queue.answer || queue.flag || inFlight); }

  /* What waits to be sent, with its verb agreed: "votre réponse sera enregistrée". */
  function pendingWhat(single, plural) {
    var answer = queue.answer || (inFlight && inFlight.kind === "answer");
    var flag = queue.flag || (inFlight && inFlight.kind === "flag");
    if (answer && flag) { return "votre réponse et la marque " + plural; }
    return (flag ? "la marque " : "votre réponse ") + single;
  }

  function sayTrouble() {
    if (trouble === "offline") {
      say("Connexion perdue : " + pendingWhat("sera enregistrée", "seront enregistrées") +
        " dès le retour du réseau.");
    } else {
      say("Le serveur ne répond pas (erreur " + troubleCode + ") : " +
        pendingWhat("n'est pas encore enregistrée", "ne sont pas encore enregistrées") +
        ". Nouvel essai automatique en cours.");
    }
  }

  function enqueue(kind, body) {
    queue[kind] = body;
    if (halted) { say(halted.text, halted.link); return; }
    if (trouble) { sayTrouble(); } else { sayUnderWaySoon(); }
    pump();
  }

  /* « Enregistrement… » only for a save still unanswered after a second: a quick one is said
     once, by its outcome (a screen reader user choosing by the arrow keys saves each option in
     turn: three utterances each were too many), and that outcome is said again even when its
     words are the last one's (« Réponse enregistrée à 10 h 03. » twice in a minute). */
  var underWay = null;

  function sayUnderWaySoon() {
    shown = null;
    if (underWay) { return; }
    underWay = window.setTimeout(function () {
      underWay = null;
      if (isPending() && !trouble && !halted) { say("Enregistrement…"); }
    }, 1000);
  }

  function pump() {
    if (inFlight || halted || retryTimer) { return; }
    var kind = queue.answer ? "answer" : (queue.flag ? "flag" : null);
    if (!kind) { settle(); return; }
    var op = { kind: kind, body: queue[kind] };
    queue[kind] = null;
    inFlight = op;
    send("PUT", urls[kind], op.body).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        inFlight = null;
        // an acknowledgement cut short (a server process killed while answering) says
        // nothing of what was stored: sent again, it finds its own seq (see confirmed)
        if (data === null && response.ok) { retry(op, "offline", 0); return; }
        answered(op, response, data || {});
      });
    }, function () {
      inFlight = null;
      retry(op, "offline", 0);
    });
  }

  function answered(op, response, data) {
    if (response.ok) {
      failures = 0;
      retryDelay = 1000;
      trouble = null;
      confirmed(op, data);
      pump();
      return;
    }
    if (response.status >= 500 || response.status === 429) {
      retry(op, "server", response.status);
      return;
    }
    refused(op, response.status, data);
  }

  function confirmed(op, data) {
    if (op.kind === "flag") {
      markNavigator(undefined, op.body.flagged);
      confirmations.flag = op.body.flagged ? "Question marquée à revoir." : "Marque retirée.";
      return;
    }
    seq = Math.max(seq, data.seq || 0);
    // a retry of a save that did arrive finds its own seq stored: that is a success too
    if (data.applied || data.seq === op.body.seq) {
      lastSaved = parisTime(data.saved_at ? new Date(data.saved_at) : new Date(serverNow()));
      markNavigator(op.body.selected.length > 0);
      confirmations.answer = "Réponse enregistrée à " + lastSaved + ".";
    } else {
      confirmations.answer = "Réponse non enregistrée : une réponse plus récente a été enregistrée " +
        "depuis une autre fenêtre. Rechargez la page pour la voir.";
    }
  }

  function refused(op, status, data) {
    var message = data.error && data.error.message ? data.error.message : "Enregistrement refusé (erreur " + status + ").";
    if (status === 409 && timeUp) { leave(); return; }
    if (!queue[op.kind]) { queue[op.kind] = op.body; }
    var lost = " " + capitalised(pendingWhat("n'est pas enregistrée", "ne sont pas enregistrées")) + ".";
    if (status === 401) {
      halted = {
        text: "Votre session a pris fin (déconnexion ou délai dépassé)." + lost,
        link: { href: form.getAttribute("data-login-url"), text: "Se reconnecter" }
      };
    } else if (status === 409 && resultUrl) {
      halted = { text: message + lost, link: { href: resultUrl, text: "Voir votre copie" } };
    } else {
      halted = { text: message + lost, link: null };
    }
    say(halted.text, halted.link);
    if (timeUp) { leave(); return; }
    settle();
  }

  function capitalised(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function retry(op, kind, code) {
    if (!queue[op.kind]) { queue[op.kind] = op.body; }
    failures += 1;
    // offline is said at once; a server error after a few tries (a single 503 often passes)
    if (kind === "offline" || failures >= 3) {
      trouble = kind;
      troubleCode = code;
      sayTrouble();
    }
    if (timeUp) { timeUpNotice(); }
    retryTimer = window.setTimeout(function () { retryTimer = null; pump(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, timeUp ? 2000 : 15000);
  }

  function retryNow() {
    if (!retryTimer) { return; }
    window.clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = 1000;
    pump();
  }

  /* The queue is empty (or stopped): say what the server confirmed, wake whoever waits. */
  function settle() {
    if (isPending() && !halted) { return; }
    if (underWay) { window.clearTimeout(underWay); underWay = null; }
    if (!halted) {
      var text = [confirmations.answer, confirmations.flag].filter(Boolean).join(" ");
      if (text) { say(text); }
    }
    confirmations = {};
    var waiting = waiters;
    waiters = [];
    waiting.forEach(function (resolve) { resolve(); });
  }

  /* Resolves once every change has been sent and answered (or refused for good). */
  function drained() {
    if (!isPending() || halted) { return Promise.resolve(); }
    return new Promise(function (resolve) { waiters.push(resolve); });
  }

  if (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "answer") {
        var selected = Array.prototype.map.call(
          form.querySelectorAll('input[name="answer"]:checked'), function (input) { return input.value; });
        // the server keeps the highest seq: follow its clock so that the latest change wins
        // across tabs and reloads, and never go back within this page
        seq = Math.max(seq + 1, Math.floor(serverNow()));
        enqueue("answer", { selected: selected, seq: seq });
      } else if (target.name === "flagged") {
        enqueue("flag", { flagged: target.checked });
      }
    });
    window.addEventListener("online", retryNow);

    /* Leaving by a link or closing the tab while a change waits to be sent (behind a save in
       flight, or for a retry after a network or server failure) would lose it without a word:
       the browser asks first. The page's own buttons post the answer and the mark with the
       form, so they leave without asking; so does the page itself once the time is up. */
    form.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || halted || !(queue.answer || queue.flag || retryTimer)) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  }

  /* ---- countdown ---- */
  if (!timer) { return; }
  var deadline = Date.parse(timer.getAttribute("data-deadline"));
  var grace = parseInt(timer.getAttribute("data-grace") || "0", 10) * 1000;
  var live = timer.querySelector(".timer-live");
  var value = timer.querySelector(".timer-value");
  var readable = timer.querySelector(".timer-readable");
  var announcer = document.getElementById("timer-announcer");
  var alertEl = document.getElementById("time-up-alert");
  var announced = {};
  var thresholds = [[300, "Il reste 5 minutes."], [60, "Il reste 1 minute."]];
  var expired = false;

  live.hidden = false;
  if (readable) { readable.hidden = false; }
  timer.querySelector(".timer-static").hidden = true;

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + " h " : "") + mm + " min " + String(s).padStart(2, "0") + " s";
  }

  /* The remaining time for screen readers, read on demand: it changes each minute and is not
     a live region, so it is never announced by itself. */
  function readableTime(seconds) {
    if (seconds <= 0) { return "Temps écoulé."; }
    if (seconds < 60) { return "Temps restant : moins d'une minute."; }
    return "Temps restant : environ " + Math.ceil(seconds / 60) + " min.";
  }

  /* Extra time granted after an incident moves the deadline on the server: ask it every few
     minutes (a page open since before the grant must not count down to the old end), before
     announcing a warning threshold and before handing in at zero; never every second. */
  var deadlineUrl = timer.getAttribute("data-deadline-url");
  var endLabel = timer.querySelector(".timer-deadline");
  var checking = false;
  var REFRESH_EVERY = 3 * 60 * 1000;
  var nextRefresh = serverNow() + REFRESH_EVERY;

  /* The server's answer, or nothing after a few seconds: a warning is never held back long. */
  function refreshDeadlineWithin(milliseconds) {
    var giveUp = new Promise(function (resolve) { window.setTimeout(resolve, milliseconds, false); });
    return Promise.race([refreshDeadline(), giveUp]);
  }

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - serverNow()) / 1000));
  }

  /* Status, deadline and server time only: asked by every open exam page, it stays light. */
  function fetchDeadline() {
    return fetch(deadlineUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } });
  }

  function refreshDeadline() {
    if (!deadlineUrl) { return Promise.resolve(); }
    return fetchDeadline()
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

  var alertShown = null;

  /* The visible, announced message while the copy is being handed in. */
  function alertText(text) {
    if (!alertEl || alertShown === text) { return; }
    alertShown = text;
    var paragraph = document.createElement("p");
    paragraph.className = "notice";
    paragraph.textContent = text;
    alertEl.replaceChildren(paragraph);
  }

  function graceOver() { return serverNow() > deadline + grace; }

  function timeUpNotice(unreachable) {
    if (graceOver() && (unreachable || trouble)) {
      alertText("Temps écoulé et serveur injoignable : la copie sera corrigée avec les réponses " +
        "enregistrées. " + (lastSaved ? "Dernière réponse enregistrée depuis cette page : à " + lastSaved + "."
          : "Aucune réponse n'a été enregistrée depuis l'ouverture de cette page.") +
        (isPending() ? " La modification faite ensuite n'a pas pu être envoyée." : ""));
    } else if (unreachable || trouble) {
      alertText("Temps écoulé, mais le serveur est injoignable : vos dernières réponses seront " +
        "envoyées dès le retour du réseau. Ne fermez pas cette page.");
    } else {
      alertText("Temps écoulé : envoi de vos dernières réponses et remise de la copie. " +
        "Ne fermez pas cette page.");
    }
  }

  function leave() { leaving = true; window.location.assign(resultUrl); }

  /* More time left than this, by the server's own clock, once this page's countdown reached
     zero: not a clock running a little ahead, but extra time just granted. */
  var GRANTED_WHILE_HANDING_IN = 5000;

  /* Hand in as the server closes a copy whose time is up: once the saves are answered, the
     result page closes it as expired. Go there only when the server answers, so that an
     outage keeps this page (and its unsent answers) open. */
  function handIn() {
    fetchDeadline().then(function (response) {
      if (response.status >= 500) { throw new Error("server"); }
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.status === "in_progress" && body.deadline && body.server_time) {
          var left = Date.parse(body.deadline) - Date.parse(body.server_time);
          if (left > GRANTED_WHILE_HANDING_IN) {
            // extra time granted (an incident) as the copy was being handed in: the answers are
            // saved, so the page is loaded again and offers the questions with the new end
            leaving = true;
            window.location.reload();
            return;
          }
          if (left > 0) {  // this page's clock ran a little ahead of the server's
            window.setTimeout(handIn, left + 250);
            return;
          }
        }
        leave();
      });
    }).catch(function () {
      timeUpNotice(true);
      window.setTimeout(handIn, graceOver() ? 15000 : 2000);
    });
  }

  function finish() {
    expired = true;
    timeUp = true;
    timeUpNotice();
    retryNow();
    drained().then(handIn);
  }

  var lastReadable = null;

  function tick() {
    var remaining = secondsLeft();
    value.textContent = format(remaining);
    var text = readableTime(remaining);
    if (readable && text !== lastReadable) { lastReadable = text; readable.textContent = text; }
    var warned = false;
    thresholds.forEach(function (pair) {
      if (remaining <= pair[0] && remaining > 0 && !announced[pair[0]]) {
        announced[pair[0]] = true;
        warned = true;
        // said once the server confirms the end: extra time may have pushed the mark back
        refreshDeadlineWithin(3000).then(function () {
          if (expired || secondsLeft() > pair[0] || secondsLeft() <= 0) { return; }
          // a later mark passed too (the computer slept through both): only it is true
          if (thresholds.some(function (other) { return other[0] < pair[0] && secondsLeft() <= other[0]; })) { return; }
          if (announcer) { announcer.textContent = pair[1]; }
          timer.classList.add("timer-warning");
        });
      }
    });
    if (!warned && remaining > 0 && serverNow() >= nextRefresh) {
      nextRefresh = serverNow() + REFRESH_EVERY;
      refreshDeadline();
    }
    if (remaining === 0 && !expired) {
      if (checking) { return; }
      checking = true;
      refreshDeadlineWithin(5000).then(function () {
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
