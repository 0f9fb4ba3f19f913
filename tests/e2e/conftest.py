"""Browser journeys: Debian's Chromium driven by Playwright, at desktop and phone widths.

Each page visited is scanned with axe-core (serious and critical violations fail the
test), checked for horizontal scrolling and for anything its Content-Security-Policy refused;
screenshots go to docs/screenshots/.
Without Chromium the journeys skip with a reason, except under CI, where that fails.
"""

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
# Flags that keep Chromium off the network: nothing but the live server is reachable here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    return candidate if candidate and Path(candidate).exists() else None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Chromium not found (install Debian's `chromium` package or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message + " — browser journeys are required in CI")
        pytest.skip(message)
    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport_name(request):
    return request.param


# Every document records what its Content-Security-Policy refused (checked at each step).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    var what = event.blockedURI || "inline";
    window.__cspViolations.push(event.violatedDirective + " " + what + " line " + event.lineNumber);
});
"""


@pytest.fixture
def page(browser, viewport_name, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **VIEWPORTS[viewport_name])
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.viewport_name = viewport_name
    yield page
    context.close()


# How wide the page's content is, measured with sideways overflow of <html> and <body> made
# visible for the measurement: `overflow-x: hidden` there clips content (a user cannot reach it)
# and would also hide it from `scrollWidth`. Against the viewport, not window.innerWidth: with
# phone emulation Chromium widens the layout viewport to fit overflowing content.
MEASURE_OVERFLOW = """() => {
    const roots = [document.documentElement, document.body];
    const saved = roots.map((element) => [element.style.overflowX, element.style.maxWidth]);
    for (const element of roots) {
        element.style.setProperty("overflow-x", "visible", "important");
        element.style.setProperty("max-width", "none", "important");
    }
    const width = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    roots.forEach((element, index) => {
        element.style.overflowX = saved[index][0];
        element.style.maxWidth = saved[index][1];
    });
    return width;
}"""


class Journey:
    """Steps of one journey: each `check` scans, measures and photographs the page."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.step = 0

    def check(self, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("load")
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}-{self.page.viewport_name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        overflow = self.page.evaluate(MEASURE_OVERFLOW) - self.page.viewport_size["width"]
        width = self.page.viewport_name
        assert overflow <= 0, f"{label}: page is wider than the screen by {overflow}px at {width} width"
        refused = self.page.evaluate("window.__cspViolations || []")
        assert not refused, f"{label}: the Content-Security-Policy refused {refused} at {self.page.viewport_name} width"
        results = Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{label}: accessibility violations at {self.page.viewport_name} width:\n" + "\n".join(
            serious
        )


@pytest.fixture
def journey(page, request):
    return Journey(page, request.node.originalname.removeprefix("test_").replace("_", "-"))


def log_in(page, email: str, password: str, next_url: str) -> None:
    """Log in through Oscar's login form and land on ``next_url``."""
    page.context.clear_cookies()
    page.goto(f"/shop/accounts/login/?next={next_url}")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_url(f"**{next_url}")
