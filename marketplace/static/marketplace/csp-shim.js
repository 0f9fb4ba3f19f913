/*
 * The Content-Security-Policy refuses inline event handlers. Links that go back, print or close
 * a pop-up say so with `data-action="back|print|close"` (our copies of Oscar's templates), and
 * this file gives them that behaviour. Oscar templates we have not copied may still carry an
 * `onclick` of the same kinds (a "cancel" link, a dashboard pop-up, the mini basket's button): the
 * browser refuses the attribute, and the same behaviour is attached here instead.
 */
(function () {
    "use strict";

    var ACTIONS = {
        back: function () { window.history.back(); },
        print: function () { window.print(); },
        close: function () { window.close(); }
    };

    function actionFromHandler(code) {
        if (/history\.(go\(-1\)|back\(\))/.test(code)) { return ACTIONS.back; }
        if (/window\.print\(\)/.test(code)) { return ACTIONS.print; }
        if (/window\.close\(\)/.test(code)) { return ACTIONS.close; }
        var target = /location\.href\s*=\s*'([^']+)'/.exec(code);
        if (target) {
            var url = target[1];
            return function () { window.location.href = url; };
        }
        return null;
    }

    function attach(element, action) {
        element.addEventListener("click", function (event) {
            event.preventDefault();
            action();
        });
    }

    function adopt(root) {
        var i;
        var declared = root.querySelectorAll("[data-action]");
        for (i = 0; i < declared.length; i++) {
            var action = ACTIONS[declared[i].getAttribute("data-action")];
            if (action) { attach(declared[i], action); }
        }
        var legacy = root.querySelectorAll("[onclick]");
        for (i = 0; i < legacy.length; i++) {
            var handler = actionFromHandler(legacy[i].getAttribute("onclick") || "");
            legacy[i].removeAttribute("onclick");
            if (handler) { attach(legacy[i], handler); }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { adopt(document); });
    } else {
        adopt(document);
    }
}());
