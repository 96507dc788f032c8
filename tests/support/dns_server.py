"""An authoritative DNS server on 127.0.0.1 (UDP and TCP, ephemeral port) serving one test's zone.

Built on dnspython's dns.message: no apt, no root. It answers for every name (it is "the root"):
- a name exists when it, or any name below it, is in the zone (RFC 8020: empty non-terminals exist),
  so NXDOMAIN only for names that do not exist and NOERROR with no data for the rest;
- CNAMEs are followed inside the zone (RFC 1034 §4.3.2), a loop ends the chain;
- UDP answers larger than the client's limit (512, or its EDNS size) come back truncated (TC bit),
  and the client must ask again over TCP.
- like the real root and TLD servers, the root and every top-level domain the Public Suffix List knows
  (or the zone holds names under) exist and answer SOA and NS, so mailcheck's resolver-honesty check
  (mailcheck/lookup/honesty.py) finds an honest resolver; `*.invalid` is NXDOMAIN unless the zone
  holds it (RFC 6761 §6.4).
Server-wide modes: normal, timeout (never answers), servfail, refused, truncate (every UDP answer has
TC set and no records; TCP answers normally), and two liars: nxdomain (NXDOMAIN for every name, even
the root) and sinkhole (every A question answered with SINKHOLE, whatever the name).
A per-name mode applies to questions about that name for
which the zone has no records of the asked type: so a name can answer TXT and time out on everything
else (what the RFC 7208 suite's TIMEOUT marker means).

Use the `dns_server` fixture: `server = dns_server({"example.com": {"MX": ["10 mx.example.com"]}})`.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.SPF
import dns.rdtypes.ANY.TXT
import dns.rrset
import dns.zone
import pytest

TTL = 300
MAX_CHAIN = 16
_SOA = "ns.test. hostmaster.test. 1 3600 600 86400 60"
_NS = "ns.test."
SINKHOLE = "198.51.100.66"  # what the sinkhole mode answers for every A question


class Mode(str, Enum):
    NORMAL = "normal"
    TIMEOUT = "timeout"  # never answers
    SERVFAIL = "servfail"
    REFUSED = "refused"
    TRUNCATE = "truncate"  # UDP: TC bit, no records; TCP: the real answer
    NXDOMAIN = "nxdomain"  # a liar: NXDOMAIN for every name
    SINKHOLE = "sinkhole"  # a liar: the same address for every A question


RecordValue = str | bytes | Sequence[str | bytes]
ZoneDict = Mapping[str, Mapping[str, Sequence[RecordValue]]]


def _character_strings(value: RecordValue) -> list[bytes]:
    """TXT data: one str/bytes is split into 255-octet strings; a list gives the strings as they are."""
    if isinstance(value, str | bytes):
        data = value.encode("utf-8") if isinstance(value, str) else value
        return [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return [v.encode("utf-8") if isinstance(v, str) else v for v in value]


def _rdata(rdtype: str, value: RecordValue) -> dns.rdata.Rdata:
    kind = dns.rdatatype.from_text(rdtype)
    if kind in (dns.rdatatype.TXT, dns.rdatatype.SPF):
        strings = _character_strings(value)
        if not strings:
            # A TXT record with no strings is illegal (RFC 1035 §3.3.14) and dnspython will not build
            # one; tests of clients that must survive it get the raw empty RDATA.
            return dns.rdata.GenericRdata(dns.rdataclass.IN, kind, b"")
        txt_class = dns.rdtypes.ANY.TXT.TXT if kind == dns.rdatatype.TXT else dns.rdtypes.ANY.SPF.SPF
        return txt_class(dns.rdataclass.IN, kind, strings)
    if not isinstance(value, str):
        raise TypeError(f"{rdtype} data must be text, got {value!r}")
    return dns.rdata.from_text(dns.rdataclass.IN, kind, value, origin=dns.name.root, relativize=False)


class Zone:
    """{name: {TYPE: [data, …]}}; names are absolute with or without the trailing dot."""

    def __init__(self, records: ZoneDict | None = None, modes: Mapping[str, Mode] | None = None) -> None:
        self.rrsets: dict[tuple[dns.name.Name, int], dns.rrset.RRset] = {}
        self.modes = {dns.name.from_text(n): Mode(m) for n, m in (modes or {}).items()}
        listed = set()
        for name_text, types in (records or {}).items():
            name = dns.name.from_text(name_text)
            listed.add(name)
            for rdtype, values in types.items():
                for value in values:
                    self.add(name, rdtype, _rdata(rdtype, value))
        self._exists = self._existing(listed)

    @classmethod
    def from_text(cls, text: str, modes: Mapping[str, Mode] | None = None) -> Zone:
        """Zone-file text (RFC 1035 §5); relative names are relative to the root."""
        zone = cls(modes=modes)
        parsed = dns.zone.from_text(text, origin=dns.name.root, relativize=False, check_origin=False)
        for name, node in parsed.nodes.items():
            for rdataset in node.rdatasets:
                for rd in rdataset:
                    zone.add(name, dns.rdatatype.to_text(rdataset.rdtype), rd)
        zone._exists = zone._existing(set())
        return zone

    def add(self, name: dns.name.Name, rdtype: str, rd: dns.rdata.Rdata) -> None:
        key = (name, dns.rdatatype.from_text(rdtype))
        rrset = self.rrsets.get(key)
        if rrset is None:
            rrset = self.rrsets[key] = dns.rrset.RRset(name, dns.rdataclass.IN, key[1])
        rrset.add(rd, TTL)

    def _existing(self, listed: set[dns.name.Name]) -> set[dns.name.Name]:
        exists: set[dns.name.Name] = {dns.name.root}
        for name in listed | {n for n, _ in self.rrsets}:
            while name not in exists:
                exists.add(name)
                name = name.parent()
        return exists

    def _apex(self, name: dns.name.Name, qtype: int) -> dns.rrset.RRset | None:
        """SOA and NS of the root and of the top-level domains (see the module docstring)."""
        if qtype not in (dns.rdatatype.SOA, dns.rdatatype.NS) or len(name) > 2:
            return None
        if name != dns.name.root and name not in self._exists and not _known_tld(name):
            return None
        return dns.rrset.from_text(name, TTL, "IN", "SOA" if qtype == dns.rdatatype.SOA else "NS",
                                   _SOA if qtype == dns.rdatatype.SOA else _NS)

    def lookup(self, qname: dns.name.Name, qtype: int) -> tuple[dns.rcode.Rcode, list[dns.rrset.RRset], Mode | None]:
        """(rcode, answer RRsets, the per-name mode that applies instead, if any)."""
        answer: list[dns.rrset.RRset] = []
        name = qname
        seen = {name}
        while True:
            rrset = self.rrsets.get((name, qtype))
            if rrset is not None:
                return dns.rcode.NOERROR, [*answer, rrset], None
            cname = self.rrsets.get((name, dns.rdatatype.CNAME))
            if cname is not None and qtype != dns.rdatatype.CNAME:
                answer.append(cname)
                target = next(iter(cname)).target
                if target in seen or len(answer) >= MAX_CHAIN:
                    return dns.rcode.NOERROR, answer, None  # a loop: stop, as BIND does
                seen.add(target)
                name = target
                continue
            if name in self.modes:
                return dns.rcode.NOERROR, answer, self.modes[name]
            apex = self._apex(name, qtype)
            if apex is not None:
                return dns.rcode.NOERROR, [*answer, apex], None
            if len(name) == 2 and _known_tld(name):
                return dns.rcode.NOERROR, answer, None  # a TLD exists, with no records of this type
            # RFC 6604 §3: with a CNAME chain the rcode is that of the last name.
            rcode = dns.rcode.NOERROR if name in self._exists else dns.rcode.NXDOMAIN
            return rcode, answer, None


def _known_tld(name: dns.name.Name) -> bool:
    from mailcheck.lookup.domains import public_suffix_list

    label = name.to_text(omit_final_dot=True).lower()
    return bool(public_suffix_list().publicsuffix(label, accept_unknown=False) == label)


@dataclass(frozen=True)
class Hit:
    name: str  # lower-case, no trailing dot
    rdtype: str
    transport: str  # "udp" or "tcp"


class DnsServer:
    """The server; start() binds UDP and TCP on one ephemeral port of 127.0.0.1."""

    def __init__(self, zone: Zone | None = None, mode: Mode = Mode.NORMAL) -> None:
        self.zone = zone or Zone()
        self.mode = Mode(mode)
        self.hits: list[Hit] = []
        self.errors: list[str] = []  # exceptions while answering: a test of the server should see none
        self._lock = threading.Lock()
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._threads: list[threading.Thread] = []
        self._connections: list[socket.socket] = []
        self._stopping = threading.Event()
        self.port = 0
        self.startup_seconds = 0.0

    # -- control ---------------------------------------------------------------------------------

    @property
    def resolver(self) -> str:
        """The --resolver value for this server."""
        return f"127.0.0.1:{self.port}"

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def set_zone(self, zone: Zone | ZoneDict, modes: Mapping[str, Mode] | None = None) -> None:
        self.zone = zone if isinstance(zone, Zone) else Zone(zone, modes)

    def hits_for(self, name: str, rdtype: str | None = None) -> list[Hit]:
        name = name.rstrip(".").lower() or "."  # the root is recorded as "."
        with self._lock:
            return [h for h in self.hits if h.name == name and (rdtype is None or h.rdtype == rdtype)]

    def start(self) -> DnsServer:
        began = time.perf_counter()
        self._bind()
        loop = threading.Thread(target=self._serve, name=f"dns-server:{self.port}", daemon=True)
        loop.start()
        self._threads.append(loop)
        self.startup_seconds = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Stop serving; calling it again (a test, then the fixture) does nothing."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._wake_w.send(b"x")
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in (self._udp, self._tcp, self._wake_r, self._wake_w, *self._connections):
            if sock is not None:
                sock.close()

    def __enter__(self) -> DnsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving ---------------------------------------------------------------------------------

    def _bind(self) -> None:
        # UDP gets an ephemeral port; TCP must share its number, which can be taken: try again.
        for _ in range(50):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind(("127.0.0.1", port))
            except OSError:
                udp.close()
                tcp.close()
                continue
            tcp.listen(16)
            self._udp, self._tcp, self.port = udp, tcp, port
            return
        raise OSError("no free port for both UDP and TCP")

    def _serve(self) -> None:
        assert self._udp is not None and self._tcp is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._udp, selectors.EVENT_READ, "udp")
            selector.register(self._tcp, selectors.EVENT_READ, "tcp")
            selector.register(self._wake_r, selectors.EVENT_READ, "wake")
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.data == "wake":
                        return
                    if key.data == "udp":
                        data, peer = self._udp.recvfrom(65535)
                        reply = self._reply(data, "udp")
                        if reply is not None:
                            self._udp.sendto(reply, peer)
                    else:
                        conn, _ = self._tcp.accept()
                        self._connections.append(conn)
                        worker = threading.Thread(target=self._serve_tcp, args=(conn,), daemon=True)
                        worker.start()
                        self._threads.append(worker)

    def _serve_tcp(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        buffer = b""
        while not self._stopping.is_set():
            try:
                chunk = conn.recv(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= 2 and len(buffer) >= 2 + int.from_bytes(buffer[:2], "big"):
                size = int.from_bytes(buffer[:2], "big")
                data, buffer = buffer[2:2 + size], buffer[2 + size:]
                reply = self._reply(data, "tcp")
                if reply is not None:
                    try:
                        conn.sendall(len(reply).to_bytes(2, "big") + reply)
                    except OSError:
                        return

    def _reply(self, data: bytes, transport: str) -> bytes | None:
        try:
            return self._answer(data, transport)
        except Exception as exc:  # keep serving; the test sees it in .errors
            self.errors.append(f"{exc.__class__.__name__}: {exc}")
            return None

    def _answer(self, data: bytes, transport: str) -> bytes | None:
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return None
        if not query.question:
            return None
        question = query.question[0]
        with self._lock:
            self.hits.append(Hit(question.name.to_text(omit_final_dot=True).lower(),
                                 dns.rdatatype.to_text(question.rdtype), transport))
        rcode, answer, name_mode = self.zone.lookup(question.name, question.rdtype)
        mode = name_mode or self.mode
        if mode is Mode.TIMEOUT:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if mode in (Mode.SERVFAIL, Mode.REFUSED):
            response.set_rcode(dns.rcode.SERVFAIL if mode is Mode.SERVFAIL else dns.rcode.REFUSED)
            return response.to_wire()
        if mode is Mode.TRUNCATE and transport == "udp":
            response.flags |= dns.flags.TC
            return response.to_wire()
        if mode is Mode.NXDOMAIN:
            rcode, answer = dns.rcode.NXDOMAIN, []
        elif mode is Mode.SINKHOLE and question.rdtype == dns.rdatatype.A:
            rcode, answer = dns.rcode.NOERROR, [dns.rrset.from_text(question.name, TTL, "IN", "A", SINKHOLE)]
        response.set_rcode(rcode)
        response.answer = list(answer)
        if not answer or answer[-1].rdtype != question.rdtype:
            # Negative answers carry the SOA (RFC 2308 §3) so resolvers know how long to cache them.
            soa = dns.rrset.from_text(dns.name.root, TTL, "IN", "SOA", _SOA)
            response.authority = [soa]
        if transport == "tcp":
            return response.to_wire()
        limit = max(query.payload, 512) if query.edns >= 0 else 512
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            truncated = dns.message.make_response(query)
            truncated.flags |= dns.flags.AA | dns.flags.TC
            return truncated.to_wire()


@pytest.fixture
def dns_server() -> Iterator[Callable[..., DnsServer]]:
    """Factory: dns_server(zone_dict_or_Zone, mode=Mode.NORMAL, modes={name: Mode}) → a running server,
    stopped when the test ends."""
    servers: list[DnsServer] = []

    def start(zone: Zone | ZoneDict | None = None, mode: Mode = Mode.NORMAL,
              modes: Mapping[str, Mode] | None = None) -> DnsServer:
        built = zone if isinstance(zone, Zone) else Zone(zone, modes)
        server = DnsServer(built, mode).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
