"""The outbound-URL policy (nianbao.outbound): every IP spelling of a non-public address is
refused, URL tricks are refused, the allow-list admits exactly what it names."""

from __future__ import annotations

import pytest

from nianbao import outbound
from nianbao.settings import Settings

STRICT = outbound.Policy()

REFUSED = [
    "http://127.0.0.1/", "http://127.0.0.1:9200/_cat/indices", "http://2130706433/",
    "http://017700000001/", "http://0x7f.1/", "http://0x7f000001/", "http://127.1/",
    "http://127.0.1.1:8800/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/", "http://[fe80::1]/", "http://10.0.0.1/", "http://172.16.5.4/",
    "http://192.168.1.1/", "http://100.64.0.1/", "http://[fc00::1]/", "http://[fd12:3456::1]/",
    "http://224.0.0.1/", "http://[ff02::1]/", "http://0.0.0.0/", "http://0/", "http://[::]/",
    "http://255.255.255.255/", "http://240.0.0.1/", "http://192.0.2.1/", "http://198.18.0.1/",
    "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::]/", "http://[64:ff9b::a00:1]/",
    "http://localhost:9200/", "https://[fe80::1%25eth0]/",
    "ftp://8.8.8.8/", "file:///etc/passwd", "javascript:alert(1)", "gopher://8.8.8.8:25/",
    "http://a\u0001b/hook", "http://8.8.8.8\t/", "http://8.8.8.8 /x", "http://8.8.8.8/\nHost: x",
    "http:\\\\127.0.0.1\\", "http://user:pw@8.8.8.8/", "http://8.8.8.8@127.0.0.1/",
    "http://8.8.8.8:0/", "http://8.8.8.8:99999/", "http://8.8.8.8:abc/", "http:///x", "", "http://",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url: str) -> None:
    with pytest.raises(outbound.OutboundRefused) as exc:
        outbound.check(url, STRICT)
    message = str(exc.value)
    assert "\n" not in message and "refused outbound URL" in message and "不允许" in message


@pytest.mark.parametrize("url", ["http://8.8.8.8/hook", "https://1.1.1.1:8443/a?b=c",
                                 "https://[2001:4860:4860::8888]/x", "http://134744072/"])
def test_public_addresses_pass(url: str) -> None:
    checked = outbound.check(url, STRICT)
    assert checked.addresses and all(outbound.refused_because(a) is None for a in checked.addresses)


def test_every_spelling_is_the_same_address() -> None:
    spellings = ["127.0.0.1", "2130706433", "017700000001", "0x7f.1", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"]
    seen = {str(outbound.literal_ip(s)) for s in spellings}
    assert seen == {"127.0.0.1", "::ffff:7f00:1"}


def test_allow_list_admits_what_it_names() -> None:
    policy = outbound.Policy.parse(["127.0.0.1", "192.168.10.0/24", "hooks.internal"])
    assert outbound.check("http://127.0.0.1:8080/h", policy).addresses[0].exploded == "127.0.0.1"
    assert outbound.check("http://2130706433/", policy).port == 80  # the same address, spelled otherwise
    assert outbound.check("http://192.168.10.7/", policy).host == "192.168.10.7"
    for url in ("http://127.0.0.2/", "http://192.168.11.1/", "http://169.254.169.254/", "http://[::1]/"):
        with pytest.raises(outbound.OutboundRefused):
            outbound.check(url, policy)


def test_allow_list_from_settings_and_environment(monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_OUTBOUND_ALLOW", "10.0.0.0/8, receiver.lan")
    settings = Settings()
    assert settings.outbound_allow == ["10.0.0.0/8", "receiver.lan"]
    assert outbound.check_url("http://10.9.8.7/", settings).host == "10.9.8.7"
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url("http://10.9.8.7/", Settings(outbound_allow=[]))


def test_pinned_request_keeps_host_and_tls_name() -> None:
    checked = outbound.Checked("https://hooks.example.org/x?y=1", "https", "hooks.example.org", 443,
                               "/x?y=1", (outbound.literal_ip("93.184.215.14"),))  # type: ignore[arg-type]
    url, headers, ext = outbound.pinned(checked)
    assert url == "https://93.184.215.14:443/x?y=1"
    assert headers == {"Host": "hooks.example.org"} and ext == {"sni_hostname": "hooks.example.org"}
