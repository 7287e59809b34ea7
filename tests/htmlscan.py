"""What an HTML page would make a browser fetch or run, read with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser

# Attributes through which an element fetches something (a link's href only when followed).
FETCH = ("src", "href", "srcset", "data", "poster", "action", "background", "formaction")
CODE_TAGS = ("script", "iframe", "frame", "object", "embed", "base")


class Resources(HTMLParser):
    """`found`: (tag, attribute, value) of every fetching attribute; `code`: every tag or attribute
    that runs code or loads a document (script, iframe, on* handlers, meta refresh, style url());
    `styles`: the text of <style> elements; `tags`: every start tag with its attributes."""

    def __init__(self, html: str = ""):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.code: list[str] = []
        self.styles: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._in_style = False
        if html:
            self.feed(html)

    @property
    def loads(self) -> list[tuple[str, str]]:
        """What the page loads by itself (links to follow left out)."""
        return [(tag, value) for tag, key, value in self.found if tag != "a"]

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        for key, value in attrs:
            if key in FETCH and value:
                self.found.append((tag, key, value))
            if key.startswith("on") or (key == "style" and "url(" in (value or "")):
                self.code.append(f"{tag} {key}")
        if tag in CODE_TAGS:
            self.code.append(tag)
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.code.append("meta refresh")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
