"""Mail HTML: rendered as plain text for reading and folding, sanitised for display."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3

from legaldesk.intake.email_text import quote_prefix, tidy

# fmt: off
_SKIP_CONTENT_TAGS = frozenset({
    "script", "style", "head", "title", "noscript", "template", "xml", "svg", "math",
    "object", "iframe", "select", "textarea",
})
_BLOCK_TAGS = frozenset({
    "div", "section", "article", "header", "footer", "address", "center", "main", "nav",
    "aside", "form", "fieldset", "figure", "figcaption", "table", "tbody", "thead",
    "tfoot", "tr", "dl", "dt", "dd", "pre",
})
# fmt: on
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
_SAFE_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a", "blockquote"}


class _HtmlText(HTMLParser):
    """Render mail HTML as plain text: paragraphs, lists, links, blockquotes as '> '."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._line: list[str] = []
        self._line_depth: int | None = None
        self._quote_depth = 0
        self._skipping: list[str] = []
        self._lists: list[list] = []
        self._links: list[tuple[str, list[str]]] = []
        self._paragraphs: list[bool] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a tag: start blocks, lists, quotes and links."""
        if self._skipping:
            if tag == "body" and "head" in self._skipping:
                self._skipping.clear()
            elif tag in _SKIP_CONTENT_TAGS:
                self._skipping.append(tag)
            return
        if tag in _SKIP_CONTENT_TAGS:
            self._skipping.append(tag)
            return
        attributes = {name.lower(): (value or "") for name, value in attrs}
        self._open(tag, attributes)

    def _open(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "br":
            self._newline(force=True)
        elif tag in _PARAGRAPH_TAGS:
            # Outlook writes one MsoNormal paragraph per line, blank lines included
            outlook_line = "mso" in attributes.get("class", "").lower()
            self._paragraphs.append(outlook_line)
            self._block() if outlook_line else self._paragraph()
        elif tag in ("ul", "ol"):
            self._block()
            self._lists.append([tag, 0])
        elif tag == "li":
            self._block()
            self._bullet()
        elif tag == "blockquote":
            self._block()
            self._quote_depth += 1
        elif tag == "a":
            self._links.append((attributes.get("href", "").strip(), []))
        elif tag in ("td", "th"):
            self._append(" ")
        elif tag == "hr":
            self._paragraph()
        elif tag in _BLOCK_TAGS:
            self._block()
            already_marked = bool(self.lines) and self.lines[-1][1] == "--"
            if _is_signature_container(attributes) and not already_marked:
                self._append("-- ")
                self._newline(force=True)
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        """Close a tag: end blocks, lists, quotes; write link targets."""
        if self._skipping:
            if tag in self._skipping:
                del self._skipping[self._skipping.index(tag) :]
            return
        if tag in _PARAGRAPH_TAGS:
            outlook_line = self._paragraphs.pop() if self._paragraphs else False
            self._newline(force=True) if outlook_line else self._paragraph()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._block() if self._lists else self._paragraph()
        elif tag == "blockquote":
            self._block()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "a":
            self._close_link()
        elif tag == "li" or tag in _BLOCK_TAGS:
            self._block()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        """Write text, collapsing HTML whitespace outside <pre>."""
        if self._skipping:
            return
        if self._pre:
            for index, chunk in enumerate(data.split("\n")):
                if index:
                    self._newline(force=True)
                self._append(chunk)
            return
        text = re.sub(r"\s+", " ", data)
        if not self._line or self._line[-1].endswith(" "):
            text = text.lstrip()
        self._append(text)

    def finish(self) -> str:
        """Return the rendered text, blockquote lines prefixed with '> '."""
        self._block()
        rendered = ((quote_prefix(depth) + text).rstrip() for depth, text in self.lines)
        return re.sub(r"<[a-zA-Z/!][^>\n]*$", "", "\n".join(rendered))

    def _append(self, text: str) -> None:
        if not text:
            return
        if self._line_depth is None:
            self._line_depth = self._quote_depth
        self._line.append(text)
        for _, label in self._links:
            label.append(text)

    def _newline(self, *, force: bool) -> None:
        text = "".join(self._line).strip()
        if text or force:
            depth = self._quote_depth if self._line_depth is None else self._line_depth
            self.lines.append((depth, text))
        self._line, self._line_depth = [], None

    def _block(self) -> None:
        self._newline(force=False)

    def _paragraph(self) -> None:
        self._block()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self._quote_depth, ""))

    def _bullet(self) -> None:
        kind, count = self._lists[-1] if self._lists else ["ul", 0]
        indent = "  " * max(0, len(self._lists) - 1)
        if kind == "ol" and self._lists:
            self._lists[-1][1] = count + 1
            self._append(f"{indent}{count + 1}. ")
        else:
            self._append(f"{indent}- ")

    def _close_link(self) -> None:
        if not self._links:
            return
        href, label_parts = self._links.pop()
        label = "".join(label_parts).strip()
        target = _link_target(href)
        if target and label and _link_key(label) != _link_key(target):
            self._append(f" ({target})")


def _is_signature_container(attributes: dict[str, str]) -> bool:
    classes = attributes.get("class", "").lower().split()
    return "gmail_signature" in classes or attributes.get("id", "").lower() == "signature"


def _link_target(href: str) -> str | None:
    lowered = href.lower()
    if lowered.startswith(("http://", "https://")):
        return href
    if lowered.startswith(("mailto:", "tel:")):
        return unquote(href.split(":", 1)[1].split("?", 1)[0]) or None
    return None


def _link_key(text: str) -> str:
    text = re.sub(r"^(mailto:|tel:|https?://)", "", text.strip().lower())
    return text.removeprefix("www.").rstrip("/")


def html_to_text(markup: str) -> str:
    """Turn mail HTML into clean plain text (never markup)."""
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # _markupbase rejects some malformed declarations such as "<![foo"
        return tidy(_strip_tags(markup))
    return tidy(parser.finish())


def _strip_tags(markup: str) -> str:
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", "\n", text)
    return html.unescape(re.sub(r"<[^>]*>?", "", text))


def plain_to_html(text: str) -> str:
    """Render plain text as HTML paragraphs, line breaks as <br>, everything escaped."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def sanitise_html(markup: str) -> str:
    """Keep only basic formatting tags; links get rel=noopener; no scripts, handlers or js: URLs."""
    cleaned = nh3.clean(
        markup,
        tags=_SAFE_TAGS,
        clean_content_tags=set(_SKIP_CONTENT_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return re.sub(r"\n\s*\n+", "\n", cleaned).strip()
