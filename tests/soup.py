"""HTML read the way a browser reads it (BeautifulSoup), for the report tests: what a reader sees,
one part of a report, a table row by its code, the cells after that code."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def visible_text(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    page = parse(html)
    for hidden in page(["style", "title", "script"]):
        hidden.decompose()
    return text_of(page)


def section(html: str, part: str) -> str:
    """The markup of one part of a report (`<section class="cchc-report part-...">`)."""
    found = parse(html).select_one(f"section.cchc-report.part-{part}")
    assert found is not None, f"no part {part}"
    return str(found)


def codes(html: str | Tag) -> list[str]:
    """The ids in the `code` cells, in the order they are shown."""
    node = parse(html) if isinstance(html, str) else html
    return [text_of(td) for td in node.select("td.code")]


def row(html: str | Tag, code: str) -> Tag:
    """The first table row whose `code` cell holds `code`."""
    node = parse(html) if isinstance(html, str) else html
    for td in node.select("td.code"):
        if text_of(td) == code:
            return td.find_parent("tr")
    raise AssertionError(f"no row {code}")


def cells_after(tr: Tag, code: str) -> list[str]:
    """The markup inside each cell of a row that follows its `code` cell."""
    tds = tr.find_all(["td", "th"], recursive=False)
    start = next(i for i, td in enumerate(tds) if "code" in (td.get("class") or []) and text_of(td) == code)
    return [td.decode_contents().strip() for td in tds[start + 1:]]


def ids_and_links(html: str) -> tuple[list[str], set[str]]:
    """Every element id (with repeats) and every in-page link target."""
    page = parse(html)
    return ([el["id"] for el in page.find_all(id=True)],
            {a["href"][1:] for a in page.find_all("a", href=True) if a["href"].startswith("#")})
