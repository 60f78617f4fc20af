"""Make a report inert: it is a file people mail to each other, built from notebooks of anyone.

Three layers, each enough on its own against script:
- the page body passes an allow-list HTML sanitiser (nh3, the Python binding of the Rust
  crate ammonia): only the tags and attributes a report needs survive, URLs are limited to
  links inside the report, the web and mail, and data: images;
- figures are never inline markup: each SVG becomes an <img> with a data: URL, and an image
  document runs no script and loads nothing;
- the page carries a Content-Security-Policy that forbids script, frames, forms and every
  fetch except data: images (and the PDF is printed with JavaScript off, see pdf.py).
"""
from __future__ import annotations

import base64
import html
import re

import nh3

# What reports and rendered markdown need; no forms, frames, objects, svg, math, style or script.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s",
    "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
# Removed with everything inside them (the rest of what is not allowed keeps its text).
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "template", "iframe", "frame", "frameset", "noscript", "noembed", "noframes",
    "object", "embed", "applet", "svg", "math", "textarea", "select", "title", "xmp", "plaintext",
})
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "role", "aria-label", "aria-hidden", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "details": {"open"},
    "ol": {"start", "type"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
_DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
_DIMENSION_RE = re.compile(r"^\d{1,5}(\.\d+)?(px|%)?$")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'; script-src 'none'"
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images only from data: (a report is self-contained, and a remote image is a tracker);
    # no data: links, which would open a document of the sender's choosing.
    if tag == "img" and attribute == "src":
        return value if _DATA_IMAGE_RE.match(value.strip()) else None
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    if attribute in ("width", "height") and not _DIMENSION_RE.match(value.strip()):
        return None
    return value


def sanitize_fragment(fragment: str) -> str:
    """An HTML fragment with only the allow-listed tags, attributes and URLs left."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        generic_attribute_prefixes={"data-"},
        url_schemes=set(URL_SCHEMES),
        strip_comments=False,  # the report's own placeholder comments; they are inert
    )


_ARIA_LABEL_RE = re.compile(r'<svg\b[^>]*\baria-label="([^"]{1,300})"', re.IGNORECASE)


def svg_image(svg: str, css_class: str = "distlab-figure-image") -> str:
    """An SVG figure as an <img> with a data: URL: drawn, vector in print, and unable to run script."""
    label = _ARIA_LABEL_RE.search(svg[:4000])
    alt = html.unescape(label.group(1)) if label else "Figure"
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'


_BODY_RE = re.compile(r"(<body\b[^>]*>)(.*)(</body\s*>)", re.IGNORECASE | re.DOTALL)
_HEAD_RE = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def sanitize_page(page: str) -> str:
    """A whole report page: the body through the allow-list, the policy first in the head.

    The head is the exporter's own (charset, escaped title, the report's CSS); everything a
    notebook can put on the page lands in the body.
    """
    body = _BODY_RE.search(page)
    head = _HEAD_RE.search(page)
    if body is None or head is None:
        raise ValueError("report page without <head> and <body>: refusing to write it unsanitised")
    return (page[:head.start()] + head.group(0) + _CSP_META + page[head.end():body.start()]
            + body.group(1) + sanitize_fragment(body.group(2)) + body.group(3) + page[body.end():])
