"""The width check of every journey step sees content wider than the screen, also where the
site's CSS clips it with `overflow-x: hidden` (content a phone user could never reach)."""

import pytest

from tests.e2e.conftest import MEASURE_OVERFLOW

pytestmark = [pytest.mark.e2e]

PAGE = (
    "<html><head><meta name=viewport content='width=device-width'><style>{css}</style></head><body>{body}</body></html>"
)
CLIPPED = "html, body { max-width: 100%; overflow-x: hidden; }"


@pytest.mark.parametrize("css", ["", CLIPPED])
def test_content_wider_than_the_screen_is_measured(browser, css):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content(PAGE.format(css=css, body="<div style='min-width:600px'>宽表格</div>"))
    assert page.evaluate(MEASURE_OVERFLOW) > 360
    page.set_content(PAGE.format(css=css, body="<p>一行字</p>"))
    assert page.evaluate(MEASURE_OVERFLOW) <= 360
    assert page.evaluate("getComputedStyle(document.body).overflowX") == ("hidden" if css else "visible")
    page.close()
