"""The outbound-URL policy: where the project's senders (webhooks, chat robots) may connect.

One place decides, for subscription validation and again at every send:
- the URL: http or https only, no control characters or whitespace, no user:password@, a
  valid port, a host;
- the addresses: the host is resolved and every address it resolves to must be a public
  unicast one — loopback, link-local, private (RFC 1918, fc00::/7), shared (100.64/10),
  multicast, unspecified, reserved/broadcast, documentation and IPv4 embedded in IPv6
  (mapped, 6to4, NAT64, Teredo) are refused, whatever the spelling of the IP (decimal,
  octal, hex and short IPv4 forms resolve to the same address and are checked as such);
- `outbound_allow` (settings): CIDRs or host names that are allowed anyway (self-hosted
  receivers of a private deployment, the tests' loopback receivers).

Senders connect to the address that was checked: `pinned()` gives an httpx request to the
checked IP (Host header and TLS name kept), `guard()` makes every urllib3 connection opened
in its block (apprise's robots) resolve, check and connect to a checked address — so a DNS
answer that changes between the check and the send (rebinding) and a redirect to a refused
address are refused too. Mail links are checked by `safe_link` (syntax only: the reader's
mail client fetches them, not this server).
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import re
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from urllib3.util import connection

from .errors import UsageError
from .settings import Settings

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\\]")  # controls, whitespace, backslash
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # CGNAT: not is_private in Python
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(UsageError):
    """A URL the policy refuses: one bilingual line naming the reason."""


@dataclass(frozen=True)
class Policy:
    networks: tuple[Network, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Policy:
        return cls.parse(settings.outbound_allow if settings is not None else ())

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Policy:
        nets: list[Network] = []
        hosts: set[str] = set()
        for raw in entries:
            entry = str(raw).strip()
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(tuple(nets), frozenset(hosts))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_ip(self, ip: IP) -> bool:
        return any(ip.version == n.version and ip in n for n in self.networks)


@dataclass(frozen=True)
class Checked:
    """A URL that passed the policy, with the addresses it may be sent to."""

    url: str
    scheme: str
    host: str  # as written (IDNA-encoded), without brackets
    port: int
    target: str  # path + query
    addresses: tuple[IP, ...]


def _refuse(url: str, why: str) -> OutboundRefused:
    shown = url if len(url) <= 200 else url[:200] + "…"
    return OutboundRefused(f"不允许的外发地址 / refused outbound URL {shown!r}: {why}")


def split(url: str) -> SplitResult:
    """The syntax checks: http(s), no control characters, no userinfo, a host, a valid port."""
    if not isinstance(url, str) or not url:
        raise _refuse(str(url), "空地址 / empty")
    if _CONTROL.search(url):
        raise _refuse(url, "含空白、控制字符或反斜杠 / whitespace, control character or backslash")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse(url, f"端口或格式无效 / bad port or syntax ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise _refuse(url, "只允许 http/https / only http and https")
    if "@" in parts.netloc:
        raise _refuse(url, "不允许用户名或密码 / no user:password@ in the URL")
    if not parts.hostname:
        raise _refuse(url, "缺少主机名 / no host")
    if port == 0:
        raise _refuse(url, "端口无效 / bad port 0")
    if "%" in parts.hostname:
        raise _refuse(url, "不允许 IPv6 区域标识 / no IPv6 zone id")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise _refuse(url, "主机名无效 / invalid host name") from None
    return parts


def literal_ip(host: str) -> IP | None:
    """The address a host written as an IP literal means, in any spelling the C resolver
    accepts (127.1, 0x7f.1, 2130706433, 017700000001, ::1, ::ffff:127.0.0.1)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def refused_because(ip: IP) -> str | None:
    """Why an address is not a public unicast one (None: it is)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "IPv4 映射地址 / IPv4-mapped IPv6"
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = refused_because(embedded)
            if inner:
                return f"内嵌 IPv4 / embedded IPv4 {embedded}: {inner}"
            return None
    checks = (
        (ip.is_unspecified, "未指定地址 / unspecified"),
        (ip.is_loopback, "回环地址 / loopback"),
        (ip.is_link_local, "链路本地地址 / link-local"),
        (ip.is_multicast, "组播地址 / multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "运营商共享地址 / shared (CGNAT)"),
        (ip.is_private, "内网地址 / private"),
        (ip.is_reserved, "保留地址 / reserved"),
        (not ip.is_global, "非公网地址 / not globally routable"),
    )
    for hit, why in checks:
        if hit:
            return why
    return None


def resolve(host: str, port: int) -> list[IP]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise OutboundRefused(f"无法解析主机 / cannot resolve host {host!r}: {exc}") from None
    out: list[IP] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if ip not in out:
            out.append(ip)
    return out


def addresses(host: str, port: int, policy: Policy, url: str = "") -> tuple[IP, ...]:
    """Resolve `host` and check every address; all must pass (or be allowed)."""
    ip = literal_ip(host)
    found = [ip] if ip is not None else resolve(host, port)
    if not found:
        raise _refuse(url or host, "无地址 / no address")
    if ip is None and policy.allows_host(host):
        return tuple(found)
    for a in found:
        why = refused_because(a)
        if why and not policy.allows_ip(a):
            raise _refuse(url or host, f"{a} {why}")
    return tuple(found)


def check(url: str, policy: Policy) -> Checked:
    """The whole policy for one URL: syntax, then every resolved address."""
    parts = split(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    addrs = addresses(host, port, policy, url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Checked(url, parts.scheme.lower(), host, port, target, addrs)


def check_url(url: str, settings: Settings | None) -> Checked:
    return check(url, Policy.from_settings(settings))


def safe_link(url: str) -> bool:
    """A link that may be placed in a mail or a message: http(s), no control characters,
    no userinfo (addresses are not checked: the reader's client fetches it)."""
    try:
        split(url)
    except OutboundRefused:
        return False
    return True


# ---- sending to the checked address -----------------------------------------------------

def pinned(checked: Checked) -> tuple[str, dict[str, str], dict[str, str]]:
    """(url, headers, extensions) of an httpx request that connects to the first checked
    address: the Host header and the TLS server name stay the original host."""
    ip = checked.addresses[0]
    literal = f"[{ip}]" if ip.version == 6 else str(ip)
    default = 443 if checked.scheme == "https" else 80
    host = f"[{checked.host}]" if ":" in checked.host else checked.host
    host_header = host if checked.port == default else f"{host}:{checked.port}"
    url = f"{checked.scheme}://{literal}:{checked.port}{checked.target}"
    ext = {"sni_hostname": checked.host} if checked.scheme == "https" else {}
    return url, {"Host": host_header}, ext


@dataclass
class Guarded:
    """What `guard()` yields: the refusals met in its block (a library may swallow them)."""

    policy: Policy
    refused: list[str]


_GUARD: contextvars.ContextVar[Guarded | None] = contextvars.ContextVar("nianbao_outbound", default=None)
_installed = False


def _install() -> None:
    """Wrap urllib3's connect once: inside `guard()` it connects only to checked addresses."""
    global _installed
    if _installed:
        return
    original = connection.create_connection

    def create_connection(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        active = _GUARD.get()
        if active is None:
            return original(address, *args, **kwargs)
        host, port = address
        err: OSError | None = None
        try:
            checked = addresses(str(host), int(port), active.policy, f"{host}:{port}")
        except OutboundRefused as exc:
            active.refused.append(str(exc))
            raise
        for ip in checked:
            try:
                return original((str(ip), port), *args, **kwargs)
            except OSError as exc:
                err = exc
        raise err or OSError(f"cannot connect to {host}")

    connection.create_connection = create_connection
    _installed = True


@contextlib.contextmanager
def guard(settings: Settings | None) -> Iterator[Guarded]:
    """Every urllib3 (requests) connection opened in this block (and in threads started with a
    copy of its context) follows the policy: the host is resolved, checked, and the checked
    address is the one connected. Yields the refusals met."""
    _install()
    active = Guarded(Policy.from_settings(settings), [])
    token = _GUARD.set(active)
    try:
        yield active
    finally:
        _GUARD.reset(token)
