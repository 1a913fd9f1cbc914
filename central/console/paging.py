"""The console's pages of a list: how many there are, and a requested page within them (an
offset past BIGINT would be a database error, not a page)."""

from __future__ import annotations


def last_page(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


def page_within(page: int, total: int, page_size: int) -> int:
    return min(max(page, 1), last_page(total, page_size))
