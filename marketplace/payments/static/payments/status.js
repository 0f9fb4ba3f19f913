/* The return page asks the server every few seconds until the payment's state is final, then
 * reloads to show it. After three minutes it stops and says that an e-mail will follow. */
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-url]");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.pollUrl;
  var first = box.dataset.state;
  var started = Date.now();
  var delay = 2000;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && (data.final || data.state !== first)) {
          window.location.reload();
          return;
        }
        next();
      })
      .catch(next);
  }

  function next() {
    if (Date.now() - started > 180000) {
      var late = box.querySelector(".payment-polling");
      if (late) { late.hidden = false; }
      return;
    }
    delay = Math.min(delay * 1.3, 8000);
    window.setTimeout(poll, delay);
  }

  window.setTimeout(poll, delay);
})();
