/* The payment page: Stripe's Payment Element (card, Alipay, WeChat Pay) for the order's PaymentIntent.
 * confirmPayment sends the buyer to Alipay or shows WeChat Pay's QR code as needed, then to the
 * return page, which reads the state from the server: nothing here marks the order paid. */
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form) { return; }
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");
  var texts = JSON.parse(document.getElementById("pay-messages").textContent);

  function show(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function start() {
    if (typeof window.Stripe !== "function") {
      show(texts.unavailable);
      return;
    }
    var stripe = window.Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
    var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, locale: form.dataset.locale });
    var element = elements.create("payment", { layout: "tabs" });
    var loading = form.querySelector(".payment-loading");
    element.on("ready", function () {
      if (loading) { loading.remove(); }
      button.disabled = false;
    });
    element.mount("#payment-element");

    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }  // a double click pays once: the PaymentIntent is confirmed once
      busy = true;
      button.disabled = true;
      show("");
      stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
        .then(function (result) {
          // Only reached when confirmation failed before any redirect (a declined card, a closed QR code).
          if (result && result.error) {
            show(result.error.message || texts.failed);
          }
          busy = false;
          button.disabled = false;
        });
    });
  }

  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
