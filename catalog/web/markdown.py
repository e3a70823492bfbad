"""Markdown to safe HTML for dataset descriptions (markdown-it, then nh3 sanitising)."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h2",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
}


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML. Headings start at h2 (the page title is the h1); links get
    rel="noopener noreferrer nofollow"."""
    rendered = _markdown.render(text or "")
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return Markup(
        nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def plain_summary(text: str | None, length: int = 160) -> str:
    """The first ``length`` characters of the description as plain text."""
    # Plain text: the template escapes it once, so undo the HTML entities here.
    plain = html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).strip()
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1] + "…"
