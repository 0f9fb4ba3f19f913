"""Oscar pages under /zh-hant/ must not leak Oscar's Simplified Chinese.

Oscar's own zh_Hant catalogue is mostly empty, so Django used to fall back to the
default language (zh-hans) for Oscar's strings. ``marketplace.oscar_hant`` ships a
catalogue merged from Oscar's zh_Hant, zh_TW and zh_HK ones (see its
``build_catalogue.py``); these tests render Oscar pages in Traditional Chinese and
look for Oscar's Simplified translations in the HTML.
"""

import html
import re
from functools import cache
from pathlib import Path

import oscar
import pytest
from babel.messages.pofile import read_po

import marketplace.oscar_hant

OSCAR_LOCALE = Path(oscar.__file__).resolve().parent / "locale"
MERGED_PO = Path(marketplace.oscar_hant.__file__).resolve().parent / "locale/zh_Hant/LC_MESSAGES/django.po"

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Python %-placeholders, as in Babel's checkers: %(name)s, %s, %d, %%, ...
PLACEHOLDER = re.compile(r"%(?:\([\w.]+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrs%]")

PAGES = [
    "/zh-hant/shop/accounts/login/",  # login + registration forms
    "/zh-hant/shop/basket/",
    "/zh-hant/shop/catalogue/",
    "/zh-hant/shop/password-reset/",
]


def _translations(po_path):
    """{(msgid, msgctxt): (msgstr forms...)} for translated, non-fuzzy entries."""
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    out = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            out[(message.id, message.context)] = tuple(strings)
    return out


@cache
def oscar_hans():
    return _translations(OSCAR_LOCALE / "zh_Hans/LC_MESSAGES/django.po")


@cache
def merged_hant():
    return _translations(MERGED_PO)


def is_simplified_char(ch):
    """A CJK character that GB2312 (Simplified) has and Big5 (Traditional) lacks."""
    return bool(CJK.match(ch)) and _encodable(ch, "gb2312") and not _encodable(ch, "cp950")


def _encodable(ch, encoding):
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@cache
def simplified_only_strings():
    """Oscar's zh_Hans msgstrs that must not show up on a Traditional page.

    A Simplified msgstr counts when it differs from the merged Traditional
    msgstr of the same msgid (or that msgid has no Traditional translation) and
    contains a CJK character. Format strings are split at their placeholders so
    the literal parts can be matched; pieces of one character are ignored.

    A piece must also contain at least one Simplified-only character (in GB2312
    but not in Big5): words written the same in both scripts, such as 清除 or 商品,
    only differ in wording from the Traditional catalogue and legitimately appear
    in Traditional text elsewhere on the page (project templates, other msgids).
    """
    hant = merged_hant()
    needles = {}
    for key, forms in oscar_hans().items():
        traditional = hant.get(key, ())
        for simplified in forms:
            if simplified in traditional:
                continue
            for piece in PLACEHOLDER.split(simplified):
                piece = piece.strip()
                if len(piece) < 2 or not CJK.search(piece) or not any(map(is_simplified_char, piece)):
                    continue
                needles.setdefault(piece, key[0])
    return needles


def test_simplified_only_strings_sanity():
    needles = simplified_only_strings()
    assert len(merged_hant()) > 1500
    # Known Simplified strings of Oscar's are in the set, their Traditional forms are not.
    assert "继续购物" in needles  # "Continue shopping"
    assert "登陆或注册" in needles  # "Login or register"
    assert "繼續購物" not in needles
    assert "商品" not in needles  # same in both scripts
    assert "清除" not in needles


def test_merged_catalogue_has_no_simplified_characters():
    offenders = {
        msgid: forms for (msgid, _ctx), forms in merged_hant().items() if any(map(is_simplified_char, "".join(forms)))
    }
    assert not offenders


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_oscar_page_has_no_simplified_oscar_strings(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hant"
    body = response.content.decode()
    text = html.unescape(body)

    leaked = {needle: msgid for needle, msgid in simplified_only_strings().items() if needle in body or needle in text}
    assert not leaked, f"Oscar's Simplified Chinese on {url}: {leaked}"


@pytest.mark.django_db
def test_basket_uses_merged_traditional_catalogue(client):
    msgid = ("Continue shopping", None)
    oscar_hant_alone = _translations(OSCAR_LOCALE / "zh_Hant/LC_MESSAGES/django.po")
    # Only zh_TW / zh_HK translate it: seeing it proves the merged catalogue is loaded.
    assert msgid not in oscar_hant_alone
    assert merged_hant()[msgid] == ("繼續購物",)
    assert oscar_hans()[msgid] == ("继续购物",)

    response = client.get("/zh-hant/shop/basket/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "繼續購物" in body
    assert "继续购物" not in body
