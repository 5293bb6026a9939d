"""Reading laid-out PDF pages in the PDF tests: the text of each page (body and margin boxes:
running headers and footers) from WeasyPrint's boxes, and what overflows the page."""

from weasyprint import HTML


def laid_out(html: str):
    return HTML(string=html).render()


def _texts(box, found: list[str]) -> None:
    text = getattr(box, "text", None)
    if text:
        found.append(text)
    for child in getattr(box, "children", None) or []:
        _texts(child, found)


def page_text(page) -> str:
    found: list[str] = []
    _texts(page._page_box, found)
    return " ".join(" ".join(found).split())


def margin_text(page) -> str:
    """The running header and footer of a page."""
    found: list[str] = []
    for box in page._page_box.children:
        if type(box).__name__ == "MarginBox":
            _texts(box, found)
    return " ".join(" ".join(found).split())


def overflowing(page) -> list[str]:
    """The texts that reach past the page's right edge (cut off when printed)."""
    width = page.width
    found = []

    def walk(box):
        if getattr(box, "text", None) and box.position_x + box.width > width + 0.5:
            found.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return found
