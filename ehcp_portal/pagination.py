"""Pagination for lists whose length is already known or only worth counting so far."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window
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

    def counted_as(self, rows_read: int) -> None:
        """The list's first rows were read already, from its start, at least cap + 1 of them
        where there are so many: their number is the count, and no COUNT is run."""
        self.__dict__["_counted"] = min(rows_read, self.cap + 1)

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


class KeysFirstPaginator(Paginator):
    """A paginator that finds a page's rows by their primary keys alone, then reads those rows
    in full: the database orders thousands of narrow rows for a page (2 ms for an area's 2,222
    caseworkers at 1,000,000 cases), not thousands joined to everything the page shows (10 ms).
    The keys come with the list's length (a window count over the same rows), so there is no
    separate COUNT: two queries a page, as a plain page with its count."""

    def page(self, number: Any) -> Any:
        keys: list[Any] | None = None
        rows: Any = self.object_list
        bottom = (self._number(number) - 1) * self.per_page
        # A page number too large for the database's OFFSET (a bigint) is past the end: counted.
        if "count" not in self.__dict__ and bottom + self.per_page + self.orphans < 2**63:
            read = list(
                rows.annotate(_list_length=Window(Count("*"))).values_list("pk", "_list_length")[
                    bottom : bottom + self.per_page + self.orphans
                ]
            )
            if read:  # otherwise past the end or nothing at all: counted as Django does
                self.__dict__["count"] = read[0][1]
                keys = [key for key, _ in read]
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if keys is None:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
        keys = keys[: top - bottom]
        found = {row.pk: row for row in rows.filter(pk__in=keys)} if keys else {}
        return self._get_page(  # type: ignore[attr-defined]
            [found[key] for key in keys if key in found], number, self
        )

    def get_page(self, number: Any) -> Any:
        """As `Paginator.get_page`, which counts before it reads a page: here the page's
        query counts (the first page when `number` is not one, the last when past it)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _number(self, number: Any) -> int:
        """The page number as `validate_number` reads it, before the list is counted."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
