"""Rebuild Oscar's Traditional Chinese catalogue for the /zh-hant/ pages.

Why this exists
---------------
django-oscar ships several Chinese catalogues, but the one Django actually loads
for ``zh-hant`` (``oscar/locale/zh_Hant``) translates only ~300 of Oscar's ~1,800
strings. For every string it lacks, Django falls back to ``LANGUAGE_CODE``
(``zh-hans``), so Simplified Chinese from Oscar's ``zh_Hans`` catalogue leaks into
Traditional pages (basket, login, checkout, ...).

Oscar also ships ``zh_TW`` (~1,550 strings) and ``zh_HK`` catalogues, which Django
never looks at because the language code is ``zh-hant``. This script merges them
into one ``zh_Hant`` catalogue inside ``marketplace.oscar_hant``, an app listed
last in ``INSTALLED_APPS`` so that its catalogue only fills the gaps left by
Oscar's own ``zh_Hant`` (and by anything else).

Merge rules
-----------
* Sources, in priority order: Oscar's ``zh_Hant``, ``zh_TW``, ``zh_HK``
  (``zh_TW.Big5`` is empty in Oscar 4.2 and is ignored).
* For each msgid (and msgctxt) the first source with a non-empty, non-fuzzy
  translation wins. Plural entries count as translated only if every form is.
* A candidate is skipped (and the next source tried) when
  - it contains a Simplified-only character: a CJK character that exists in
    GB2312 (Simplified) but not in Big5/cp950 (Traditional); or
  - its Python format placeholders do not match the msgid (Babel's checkers),
    since a broken ``%(name)s`` makes Django drop or crash the translation.
* Only translated entries are written. The header is UTF-8 with
  ``Plural-Forms: nplurals=1; plural=0;``.

Run from the project root after upgrading Oscar::

    .venv/bin/python marketplace/oscar_hant/build_catalogue.py

It rewrites ``locale/zh_Hant/LC_MESSAGES/django.po`` next to this file and
compiles ``django.mo`` with ``msgfmt --check`` (or Babel if gettext is missing).
The output is deterministic for a given Oscar release.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import oscar
from babel.messages.catalog import Catalog, Message
from babel.messages.checkers import checkers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

SOURCES = ("zh_Hant", "zh_TW", "zh_HK")
OUT_DIR = Path(__file__).resolve().parent / "locale" / "zh_Hant" / "LC_MESSAGES"
PLURAL_FORMS = "nplurals=1; plural=0;"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def oscar_locale_dir() -> Path:
    return Path(oscar.__file__).resolve().parent / "locale"


def load(lang: str) -> Catalog:
    with open(oscar_locale_dir() / lang / "LC_MESSAGES" / "django.po", "rb") as fh:
        return read_po(fh, locale=None)


def forms(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (list, tuple)) else (string or "",)


def is_simplified_char(ch: str) -> bool:
    """True for a CJK character found in GB2312 but not in Big5 (cp950)."""
    if not CJK.match(ch):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    try:
        ch.encode("cp950")
    except UnicodeEncodeError:
        return True
    return False


def simplified_chars(text: str) -> set[str]:
    return {ch for ch in text if is_simplified_char(ch)}


def rejection(message: Message, catalog: Catalog) -> str | None:
    """Why ``message`` cannot be used as a Traditional translation, or None."""
    if message.fuzzy:
        return "fuzzy"
    strings = forms(message)
    if not strings or not all(strings):
        return "untranslated"
    if any(simplified_chars(s) for s in strings):
        return "simplified"
    for checker in checkers:
        try:
            checker(catalog, message)
        except Exception:  # babel raises TranslationError (and ValueError on odd input)
            return "format"
    return None


def build() -> dict[str, object]:
    sources = {lang: load(lang) for lang in SOURCES}
    primary = sources[SOURCES[0]]

    merged = Catalog(
        locale="zh_Hant",
        domain="django",
        header_comment=(
            "# Traditional Chinese catalogue for django-oscar, merged from Oscar's\n"
            "# zh_Hant, zh_TW and zh_HK catalogues (first translation wins).\n"
            "# GENERATED FILE: edit marketplace/oscar_hant/build_catalogue.py instead.\n"
            "# This file is distributed under the same license as django-oscar."
        ),
        project="django-oscar",
        msgid_bugs_address=primary.msgid_bugs_address,
        version=getattr(oscar, "__version__", None) or ".".join(map(str, oscar.VERSION[:3])),
        creation_date=primary.creation_date,
        revision_date=primary.revision_date,
        last_translator="Oscar zh_Hant, zh_TW and zh_HK translators",
        language_team="Chinese Traditional (merged)",
        charset="utf-8",
        fuzzy=False,
    )

    # Every msgid in source order: the catalogues share Oscar's POT, but take
    # the union in case one of them is ahead of the others.
    keys: list[tuple[object, str | None]] = []
    seen: set[tuple[object, str | None]] = set()
    for catalog in sources.values():
        for message in catalog:
            key = (message.id, message.context)
            if message.id and key not in seen:
                seen.add(key)
                keys.append(key)

    picked: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for msgid, context in keys:
        for lang, catalog in sources.items():
            message = catalog.get(msgid, context=context)
            if message is None:
                continue
            why = rejection(message, merged)
            if why:
                if why in ("simplified", "format"):
                    skipped[f"{lang}:{why}"] += 1
                continue
            merged.add(
                msgid,
                string=message.string,
                locations=message.locations,
                flags=set(message.flags) - {"fuzzy"},
                auto_comments=[*message.auto_comments, f"source: oscar/locale/{lang}"],
                user_comments=message.user_comments,
                context=context,
            )
            picked[lang] += 1
            break

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    po_path = OUT_DIR / "django.po"
    mo_path = OUT_DIR / "django.mo"
    with open(po_path, "wb") as fh:
        write_po(fh, merged, width=79, include_previous=False, sort_output=False)

    text = po_path.read_text(encoding="utf-8")  # fails loudly if not UTF-8
    assert f'"Plural-Forms: {PLURAL_FORMS}\\n"' in text, "bad Plural-Forms header"

    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check", "-o", str(mo_path), str(po_path)], check=True)  # noqa: S603
    else:  # pragma: no cover - gettext tools not installed
        with open(mo_path, "wb") as fh:
            write_mo(fh, merged)

    return {
        "oscar_version": merged.version,
        "total_msgids": len(keys),
        "oscar_zh_Hant_translated": sum(1 for m in primary if m.id and rejection(m, merged) is None),
        "merged": len(merged),
        "picked_from": dict(picked),
        "skipped_candidates": dict(skipped),
        "po": str(po_path),
        "mo": str(mo_path),
    }


def main() -> int:
    stats = build()
    for key, value in stats.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
