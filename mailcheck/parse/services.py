"""URL shorteners, free hosting, form builders and tunnels (mailcheck/data/services.json), found by a link's host.

A host is looked up by itself and by each name it ends with, so the cost is the number of its labels,
not the size of the table.
"""

from __future__ import annotations

from functools import lru_cache

from mailcheck.data import read_json
from mailcheck.value_types import NamedTuple


class Service(NamedTuple):
    entry: str  # the table's entry: "bit.ly", "*.web.app", "docs.google.com/forms"
    kind: str  # "shortener", "hosting", "form", "tunnel"
    meaning: str  # the table's sentence for the kind


class ServiceTable(NamedTuple):
    exact: dict[str, tuple[tuple[str, Service], ...]]  # host (or suffix) → (path prefix, service); "" = any path
    subdomain_only: dict[str, Service]  # "*.web.app": only hosts below web.app
    source: str


@lru_cache(maxsize=1)
def service_table() -> ServiceTable:
    data = read_json("services.json")
    exact: dict[str, list[tuple[str, Service]]] = {}
    subdomain_only: dict[str, Service] = {}
    for kind, entries in data["services"].items():
        for entry in entries:
            service = Service(entry, kind, data["kinds"][kind])
            if entry.startswith("*."):
                subdomain_only[entry[2:]] = service
                continue
            host, slash, path = entry.partition("/")
            exact.setdefault(host, []).append((slash + path, service))
    source = f"{data['title']} (compiled {data['compiled']}). {data['source']}"
    return ServiceTable({k: tuple(v) for k, v in exact.items()}, subdomain_only, source)


def service_of(host: str, path: str = "/") -> Service | None:
    """The service this host (and path, for entries that name one) belongs to, or None."""
    candidates = _candidates_kept(host) if len(host) <= _KEPT_HOST else _candidates(host)
    for prefix, service in candidates:
        if not prefix or (path or "/").startswith(prefix):
            return service
    return None


def may_be_service(host: str) -> bool:
    """Whether any entry could match this host, whatever the path: callers need not work out a path when not."""
    return bool(_candidates_kept(host) if len(host) <= _KEPT_HOST else _candidates(host))


# A host is asked about once per path it appears with, and hosts recur from message to message: the entries
# that may match it, which depend on the host alone, are kept (long hosts are rare and worked out each time).
_KEPT_HOST = 255


@lru_cache(maxsize=8192)
def _candidates_kept(host: str) -> tuple[tuple[str, Service], ...]:
    return _candidates(host)


def _candidates(host: str) -> tuple[tuple[str, Service], ...]:
    """(path prefix, service) for every entry this host falls under, in the order they are tried; "" = any path.
    A "*." entry matches whatever the path, so nothing after it can be reached."""
    table = service_table()
    labels = host.rstrip(".").lower().split(".")
    found: list[tuple[str, Service]] = []
    for i in range(len(labels)):
        name = ".".join(labels[i:])
        if i > 0 and name in table.subdomain_only:
            found.append(("", table.subdomain_only[name]))
            break
        found.extend(table.exact.get(name, ()))
    return tuple(found)
