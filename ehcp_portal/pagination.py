"""Pagination for lists whose length is already known or only worth counting so far."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told its total (a kept count, cases.models.OpenCaseCount), so a page of a
    long list never runs COUNT(*) over it."""

    def __init__(self, object_list: Any, per_page: int, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class CappedPaginator(Paginator):
    """A paginator that counts no further than `cap` rows (one COUNT over a LIMIT, read in
    index order): a filtered list of 280,000 cases says "more than 1,000" and still pages."""

    def __init__(self, object_list: Any, per_page: int, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        rows: Any = self.object_list
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @cached_property
    def num_pages(self) -> int:
        # Past the cap there is at least one more row than counted, so at least one more page
        # (a cap of one page's length still offers Next).
        if self.capped:
            return -(-(self.cap + 1) // self.per_page)
        return super().num_pages
