"""Filling in HTML forms in tests as a browser would: the CSRF token comes from the page."""

from __future__ import annotations

import re


def csrf_token(client, path: str, **kwargs) -> str:
    """The CSRF token of the form on ``path`` (the session cookie stays in ``client``)."""
    page = client.get(path, **kwargs).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)
