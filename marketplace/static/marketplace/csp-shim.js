/*
 * The Content-Security-Policy refuses inline event handlers. A few of Oscar's templates still
 * carry them (a "cancel" link going back, "print this page", closing a dashboard pop-up, the
 * mini basket's button): this file gives those elements the same behaviour as listeners and
 * drops the attributes, so nothing is refused and nothing stops working.
 */
(function () {
    "use strict";

    function actionFor(code) {
        if (/history\.(go\(-1\)|back\(\))/.test(code)) {
            return function () { window.history.back(); };
        }
        if (/window\.print\(\)/.test(code)) {
            return function () { window.print(); };
        }
        if (/window\.close\(\)/.test(code)) {
            return function () { window.close(); };
        }
        var target = /location\.href\s*=\s*'([^']+)'/.exec(code);
        if (target) {
            var url = target[1];
            return function () { window.location.href = url; };
        }
        return null;
    }

    function adopt(root) {
        var elements = root.querySelectorAll("[onclick]");
        for (var i = 0; i < elements.length; i++) {
            var element = elements[i];
            var action = actionFor(element.getAttribute("onclick") || "");
            element.removeAttribute("onclick");
            if (action) {
                element.addEventListener("click", function (run) {
                    return function (event) {
                        event.preventDefault();
                        run();
                    };
                }(action));
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { adopt(document); });
    } else {
        adopt(document);
    }
}());
