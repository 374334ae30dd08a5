// Live preview for the item editor: the server renders the preview (same markup as the
// candidate page); this script only asks for it while the author types. Without JavaScript,
// the « Prévisualiser » button does the same.
(function () {
  "use strict";
  var form = document.querySelector(".editor-form");
  var aside = document.querySelector(".editor-aside");
  if (!form || !aside || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector(".editor-aside");
        if (fresh) {
          // the live refresh never moves focus away from the field being typed in
          fresh.querySelectorAll("[autofocus]").forEach(function (element) {
            element.removeAttribute("autofocus");
          });
          aside.replaceChildren.apply(aside, Array.from(fresh.childNodes));
        }
      })
      .catch(function () {
        // a failed or aborted refresh leaves the last preview in place
      });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
