"""Markdown of notes: rendered with `markdown`, sanitised with `nh3` (no script, safe links)."""

from __future__ import annotations

import html

import markdown as markdown_lib
import nh3
from markupsafe import Markup

EXTENSIONS = ("extra", "sane_lists")
ALLOWED_TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"},
                      "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def render_markdown(text: str | None) -> Markup:
    """Safe HTML of a Markdown text: headings start at h2, no images, no script, no styles."""
    if not text:
        return Markup("")
    raw = markdown_lib.markdown(_demote_h1(text), extensions=list(EXTENSIONS),
                                output_format="html")
    clean = nh3.clean(raw, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=set(URL_SCHEMES), link_rel=LINK_REL,
                      strip_comments=True)
    return Markup(clean)  # sanitised just above


def markdown_to_text(text: str | None) -> str:
    """Plain text of a Markdown body (for the search index and anonymisation checks)."""
    if not text:
        return ""
    raw = markdown_lib.markdown(text, extensions=list(EXTENSIONS), output_format="html")
    # Block ends become line breaks so that words of two paragraphs do not stick together.
    for tag in ("</p>", "</li>", "</h1>", "</h2>", "</h3>", "</h4>", "</tr>", "<br />", "<br>"):
        raw = raw.replace(tag, tag + "\n")
    return html.unescape(nh3.clean(raw, tags=set())).strip()


def _demote_h1(text: str) -> str:
    """A note's title is the page's h1: a body's "# Heading" becomes "## Heading"."""
    lines = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and line.startswith("# "):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)
