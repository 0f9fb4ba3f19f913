"""Rich text kept to the features an editor may use (富文本清理)."""

from bs4 import BeautifulSoup

#: Elements whose content is code or embedded documents, not text: dropped whole.
DROPPED_ELEMENTS = ("script", "style", "template", "iframe", "object", "noscript", "svg", "math")


def sanitise_rich_text(html: str, *, features: list[str]) -> str:
    """Keep only the elements and attributes of ``features``; drop scripts and unsafe links.

    Wagtail renders stored rich text as it is; its editor cleans what it submits with a
    whitelist, which removes unknown elements, event-handler attributes and ``javascript:``
    links but keeps the text inside removed elements. The same whitelist is applied here
    to text saved by code, after dropping scripts and styles with their content. Internal
    links and embeds (``<a linktype="page" id="3">``) are put in the editor's form first,
    which is what the whitelist understands.
    """
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter  # needs the app registry

    if not html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(DROPPED_ELEMENTS):
        element.decompose()
    for kind, name in (("linktype", "a"), ("embedtype", "embed")):
        for element in soup.find_all(name, attrs={kind: True}):
            element.attrs = {f"data-{key}": value for key, value in element.attrs.items()}
    return EditorHTMLConverter(features=features).to_database_format(str(soup))
