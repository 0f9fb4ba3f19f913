/* Stripe.js, offline, for the browser journeys: served at https://js.stripe.com/v3/ by the test.
 *
 * window.Stripe(key, options) → elements({clientSecret}) → create("payment") → mount(selector) draws
 * three labelled radio buttons (Card, Alipay, WeChat Pay) where Stripe draws its Payment Element, then
 * fires "ready". confirmPayment({elements, confirmParams: {return_url}}) sends the browser to the
 * return address the way Stripe does after a successful redirect. Every call is counted in
 * sessionStorage ("fakeStripe") so that the test can read it after the page has been left.
 */
(function () {
  "use strict";
  var METHODS = [
    ["card", "Card"],
    ["alipay", "Alipay"],
    ["wechat_pay", "WeChat Pay"],
  ];

  function record(name, value) {
    var calls = JSON.parse(window.sessionStorage.getItem("fakeStripe") || "{}");
    calls[name] = calls[name] || [];
    calls[name].push(value);
    window.sessionStorage.setItem("fakeStripe", JSON.stringify(calls));
  }

  function PaymentElement(clientSecret) {
    this.clientSecret = clientSecret;
    this.handlers = {};
  }

  PaymentElement.prototype.on = function (name, callback) {
    (this.handlers[name] = this.handlers[name] || []).push(callback);
    return this;
  };

  PaymentElement.prototype.emit = function (name, event) {
    (this.handlers[name] || []).forEach(function (callback) { callback(event); });
  };

  PaymentElement.prototype.mount = function (selector) {
    var host = typeof selector === "string" ? document.querySelector(selector) : selector;
    var fieldset = document.createElement("fieldset");
    fieldset.className = "fake-stripe-element";
    fieldset.style.border = "1px solid #ced4da";
    fieldset.style.borderRadius = "4px";
    fieldset.style.padding = "0.5rem 0.75rem";
    fieldset.style.margin = "0 0 1rem";
    var legend = document.createElement("legend");
    legend.textContent = "Payment method";
    legend.style.fontSize = "1rem";
    legend.style.width = "auto";
    legend.style.padding = "0 0.25rem";
    fieldset.appendChild(legend);
    METHODS.forEach(function (method, index) {
      var id = "fake-stripe-" + method[0];
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "fake-stripe-method";
      input.id = id;
      input.value = method[0];
      input.checked = index === 0;
      input.style.width = "1.25rem";
      input.style.height = "1.25rem";
      input.style.margin = "0 0.75rem 0 0";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.style.display = "flex";
      label.style.alignItems = "center";
      label.style.minHeight = "48px";
      label.style.margin = "0";
      label.style.cursor = "pointer";
      label.appendChild(input);
      label.appendChild(document.createTextNode(method[1]));
      fieldset.appendChild(label);
    });
    host.appendChild(fieldset);
    record("mount", this.clientSecret);
    var element = this;
    window.setTimeout(function () { element.emit("ready", { elementType: "payment" }); }, 100);
  };

  function Elements(options) {
    this.clientSecret = (options || {}).clientSecret;
  }

  Elements.prototype.create = function (type) {
    if (type !== "payment") { throw new Error("fake Stripe.js draws only the Payment Element"); }
    return new PaymentElement(this.clientSecret);
  };

  window.Stripe = function (publishableKey) {
    record("stripe", publishableKey);
    return {
      elements: function (options) { return new Elements(options); },
      confirmPayment: function (options) {
        var secret = options.elements.clientSecret;
        var chosen = document.querySelector("input[name=fake-stripe-method]:checked");
        record("confirmPayment", chosen ? chosen.value : "");
        var url = options.confirmParams.return_url;
        var target = url + (url.indexOf("?") < 0 ? "?" : "&") +
          "payment_intent=" + encodeURIComponent(secret.split("_secret_")[0]) +
          "&payment_intent_client_secret=" + encodeURIComponent(secret) +
          "&redirect_status=succeeded";
        // Stripe leaves the page a moment later (a redirect to Alipay and back, or a QR code closed).
        window.setTimeout(function () { window.location.assign(target); }, 300);
        return new Promise(function () {});  // never settles: the page is left
      },
    };
  };
})();
