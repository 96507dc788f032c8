"""URLs from text and HTML parts, each with the text a reader sees for it; never fetches anything.

hosts: a URL's host as a browser reads it; split: URLs split as browsers split them and the host link
text names; text: bare URLs in running text; html: links in HTML; links: all of it per message."""

from mailcheck.parse.urls.html import normalise_text, tags_to_spaces
from mailcheck.parse.urls.links import LINK_CAP, Link, LinkScan, extract_links, scan_links
from mailcheck.parse.urls.split import UrlParts, host_named_by, split_url
from mailcheck.parse.urls.text import bare_urls

__all__ = [
    "LINK_CAP", "Link", "LinkScan", "UrlParts", "bare_urls", "extract_links", "host_named_by", "normalise_text",
    "scan_links", "split_url", "tags_to_spaces",
]
