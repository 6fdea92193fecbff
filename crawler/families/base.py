"""What every discovery adapter shares: the list request it reads, the result it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..discover import Link

MAX_PAGES = 200  # further pages an adapter plans for one column at most


@dataclass(frozen=True)
class ListRequest:
    """One request for a list: the entry page, a further page, a data endpoint (XML/JSON)
    or a form POST. `family` names the adapter that reads the answer (None: detect it from
    the page); `page` / `records` say which part of the column it is (evidence)."""

    url: str
    method: str = "GET"  # GET | POST (form-encoded)
    form: tuple[tuple[str, str], ...] = ()
    family: str | None = None
    page: int | None = None
    records: tuple[int, int] | None = None  # first and last record, 1-based, inclusive
    hint: tuple[tuple[str, str], ...] = ()  # adapter state carried to the answer (never sent)

    @property
    def key(self) -> str:
        """Identity of the request (two pages of a POST form share their URL)."""
        return f"{self.method} {self.url} {urlencode(self.form)}"

    def evidence_url(self) -> str:
        """The list as `listing_crawls.url` records it: the URL, and for an adapter's request a
        fragment (never sent to the site) naming the family, the page or record range and the
        POST form, so the evidence says exactly which part of which list was read."""
        if self.family in (None, "generic") and self.method == "GET":
            return self.url
        parts = [("family", self.family or "")]
        if self.page is not None:
            parts.append(("page", str(self.page)))
        if self.records is not None:
            parts.append(("records", f"{self.records[0]}-{self.records[1]}"))
        if self.method != "GET":
            parts.append(("post", urlencode(self.form)))
        return f"{self.url.split('#', 1)[0]}#{urlencode(parts)}"

    def hinted(self, name: str, default: str = "") -> str:
        return dict(self.hint).get(name, default)


@dataclass
class ListResult:
    family: str
    reports: list[Link] = field(default_factory=list)
    requests: list[ListRequest] = field(default_factory=list)
    error: str | None = None  # the answer could not be read as this family's list (recorded)
