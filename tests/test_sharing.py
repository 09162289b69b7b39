"""sharing: signed share links round-trip exactly and refuse everything else cleanly."""
from __future__ import annotations

import datetime
import os
import stat
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.domains import taxonomy
from sharing import SharedResult, ShareLinkError, decode, encode, share_secret
from sharing.link import MAX_LINK_CHARS

SECRET = b"test-secret-0123456789abcdef"
DOMAINS = taxonomy().domain_ids


def full_result(name: str | None = "Ada L.") -> SharedResult:
    return SharedResult(
        created=datetime.date(2026, 11, 26),
        levels={d: (round(4 * i / len(DOMAINS), 2), round(0.35 + i / 100, 2), i + 1)
                for i, d in enumerate(DOMAINS)},
        profile={"years": 7, "cloud": "gcp", "focus": "both",
                 "certs": ["gcp_pmle", "aws_mla_c01", "databricks_ml_associate"]},
        name=name,
    )


@pytest.fixture(scope="module")
def link() -> str:
    return encode(full_result(), SECRET)


# --- round trips ------------------------------------------------------------------------------

def test_full_result_round_trip_is_compact(link):
    assert len(DOMAINS) == 20
    assert decode(link, SECRET) == full_result()
    assert len(link) < 2000
    assert set(link) <= set(string.ascii_letters + string.digits + "_.-")
    assert link.startswith("1.")


def test_encode_rounds_to_two_decimals_and_keeps_se_positive():
    result = SharedResult(created=datetime.date(2026, 1, 2),
                          levels={"statistics": (2.71828, 0.001, 3), "mlops": (4, 55.0, 1)},
                          profile={"years": 0, "cloud": "none", "focus": "classical", "certs": []},
                          name="  Bo  ")
    back = decode(encode(result, SECRET), SECRET)
    assert back.levels == {"statistics": (2.72, 0.01, 3), "mlops": (4.0, 10.0, 1)}
    assert back.name == "Bo" and back.profile == result.profile and back.created == result.created
    assert decode(encode(full_result(name=""), SECRET), SECRET).name is None


@pytest.mark.parametrize("bad", [
    {"levels": {"not_a_domain": (1.0, 0.5, 1)}},
    {"levels": {}},
    {"levels": {"statistics": (4.5, 0.5, 1)}},
    {"levels": {"statistics": (2.0, 0.5, 0)}},
    {"levels": {"statistics": (float("nan"), 0.5, 1)}},
    {"profile": {"years": 61, "cloud": "aws", "focus": "both", "certs": []}},
    {"profile": {"years": True, "cloud": "aws", "focus": "both", "certs": []}},
    {"profile": {"years": 3, "cloud": "oracle", "focus": "both", "certs": []}},
    {"profile": {"years": 3, "cloud": "aws", "focus": "both", "certs": ["Bad-Id"]}},
    {"profile": {"years": 3, "cloud": "aws", "focus": "both", "certs": ["c"] * 13}},
    {"profile": {"years": 3, "cloud": "aws", "focus": "both", "certs": [], "extra": 1}},
    {"profile": {"years": 3, "cloud": "aws", "focus": "both"}},
    {"name": "x" * 61},
    {"name": "line\nbreak"},
    {"name": "\u202eevil"},
])
def test_encode_refuses_results_out_of_range(bad):
    base = full_result()
    fields = {"created": base.created, "levels": base.levels, "profile": base.profile,
              "name": base.name} | bad
    with pytest.raises(ValueError):
        encode(SharedResult(**fields), SECRET)


# --- refusals ---------------------------------------------------------------------------------

def test_tampered_payload_byte_is_refused(link):
    i = len("1.") + 10
    tampered = link[:i] + ("A" if link[i] != "A" else "B") + link[i + 1:]
    with pytest.raises(ShareLinkError, match="signature does not match"):
        decode(tampered, SECRET)


@pytest.mark.parametrize("keep", [1, 2, 10, 100, -1, -10, -44])
def test_truncated_link_is_refused(link, keep):
    with pytest.raises(ShareLinkError, match="cut off"):
        decode(link[:keep], SECRET)


def test_oversize_link_is_refused_before_any_work(link, monkeypatch):
    import sharing.link as mod

    def boom(*_a, **_k):
        raise AssertionError("decode did work on an oversize link")

    monkeypatch.setattr(mod, "_b64d", boom)
    monkeypatch.setattr(mod.hmac, "compare_digest", boom)
    for oversize in ("1." + "A" * MAX_LINK_CHARS, link + "A" * MAX_LINK_CHARS, "\u00e9" * 10**6):
        with pytest.raises(ShareLinkError, match="too long"):
            decode(oversize, SECRET)


def test_wrong_secret_is_refused(link):
    with pytest.raises(ShareLinkError, match="signature does not match"):
        decode(link, b"another-secret")


@pytest.mark.parametrize("token, message", [
    ("", "empty"),
    ("https://example.com/?r=1.abc.def", "characters"),
    ("1.abc def.xyz", "characters"),
    ("2.abc.def", "unsupported version"),
    ("hello", "not a CertRadar link"),
    ("1.A.B.C", "cut off|too many parts"),
])
def test_garbage_is_refused_with_a_clear_message(token, message):
    with pytest.raises(ShareLinkError, match=message):
        decode(token, SECRET)


def _sign_raw(payload: bytes, secret: bytes = SECRET, compress: bool = True) -> str:
    """A correctly signed link around an arbitrary payload (what a leaked secret would allow)."""
    import zlib

    from sharing.link import _b64e, _sign
    part = "1." + _b64e(zlib.compress(payload, 9) if compress else payload)
    return f"{part}.{_b64e(_sign(part, secret))}"


@pytest.mark.parametrize("payload", [
    b"not json",
    b"[]",
    b"\xff\xfe",
    b'{"created":"2026-01-01","levels":{"statistics":[1.0,0.5,1]},"profile":'
    b'{"years":1,"cloud":"aws","focus":"both","certs":[]},"extra":1}',
    b'{"created":"2026-01-01","levels":{"nope":[1.0,0.5,1]},"profile":'
    b'{"years":1,"cloud":"aws","focus":"both","certs":[]}}',
    b'{"created":"2026-01-01","levels":{"statistics":[1.0,0.5,"1"]},"profile":'
    b'{"years":1,"cloud":"aws","focus":"both","certs":[]}}',
    b'{"created":"2026-01-01","levels":{"statistics":[NaN,0.5,1]},"profile":'
    b'{"years":1,"cloud":"aws","focus":"both","certs":[]}}',
    b'{"created":"2026-01-01","levels":{"statistics":[1.0,0.5,1],"statistics":[2.0,0.5,1]},'
    b'"profile":{"years":1,"cloud":"aws","focus":"both","certs":[]}}',
    b'{"created":"2026-13-01","levels":{"statistics":[1.0,0.5,1]},"profile":'
    b'{"years":1,"cloud":"aws","focus":"both","certs":[]}}',
])
def test_signed_but_invalid_payloads_are_refused(payload):
    with pytest.raises(ShareLinkError, match="valid CertRadar result"):
        decode(_sign_raw(payload), SECRET)


def test_names_are_plain_text_never_evaluated():
    payload = (b'{"created":"2026-01-01","levels":{"statistics":[1.0,0.5,1]},"profile":'
               b'{"years":1,"cloud":"aws","focus":"both","certs":[]},"name":"__import__(\'os\')"}')
    assert decode(_sign_raw(payload), SECRET).name == "__import__('os')"


def test_decompression_bomb_is_refused():
    bomb = b'{"created":"2026-01-01","name":"' + b"a" * 1_000_000 + b'"}'
    token = _sign_raw(bomb)
    assert len(token) < MAX_LINK_CHARS
    with pytest.raises(ShareLinkError, match="more data"):
        decode(token, SECRET)


def test_not_compressed_payload_is_refused():
    with pytest.raises(ShareLinkError, match="valid CertRadar result"):
        decode(_sign_raw(b"plain bytes, not zlib", compress=False), SECRET)


# --- property tests ---------------------------------------------------------------------------

cert_ids = st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=40)
names = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn")),
                min_size=1, max_size=60).map(str.strip).filter(bool)
levels = st.dictionaries(
    st.sampled_from(DOMAINS),
    st.tuples(st.floats(0, 4), st.floats(0.01, 10), st.integers(1, 10_000)),
    min_size=1, max_size=len(DOMAINS))
results = st.builds(
    SharedResult,
    created=st.dates(),
    levels=levels,
    profile=st.fixed_dictionaries({
        "years": st.integers(0, 60),
        "cloud": st.sampled_from(["aws", "azure", "gcp", "databricks", "none"]),
        "focus": st.sampled_from(["deep_learning", "classical", "both"]),
        "certs": st.lists(cert_ids, max_size=12)}),
    name=st.none() | names,
)


@settings(max_examples=300, deadline=None)
@given(results)
def test_generated_results_round_trip(result):
    token = encode(result, SECRET)
    assert len(token) < 2000
    back = decode(token, SECRET)
    assert back.created == result.created and back.profile == result.profile
    assert back.name == result.name
    assert set(back.levels) == set(result.levels)
    for d, (lvl, se, n) in result.levels.items():
        assert back.levels[d] == (round(lvl, 2), min(max(round(se, 2), 0.01), 10.0), n)
    assert decode(encode(back, SECRET), SECRET) == back  # rounding is idempotent


LINK_CHARS = string.ascii_letters + string.digits + "_.-"


@st.composite
def mutated_links(draw):
    token = encode(full_result(), SECRET)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        i = draw(st.integers(0, max(len(token) - 1, 0)))
        if kind == "flip" and token:
            token = token[:i] + draw(st.sampled_from(LINK_CHARS + " /%é\x00")) + token[i + 1:]
        elif kind == "insert":
            token = token[:i] + draw(st.text(min_size=1, max_size=3)) + token[i:]
        elif kind == "delete":
            token = token[:i] + token[i + 1:]
        else:
            token = token[:i]
    return token


def _decode_or_error(token: str) -> None:
    try:
        result = decode(token, SECRET)
    except ShareLinkError as e:
        assert str(e)
        return
    assert result == full_result()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_links())
def test_mutated_links_never_crash(token):
    _decode_or_error(token)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300) | st.text(alphabet=LINK_CHARS, max_size=300)
       | st.text(alphabet=LINK_CHARS, max_size=60).map(lambda s: "1." + s))
def test_random_strings_never_crash(token):
    _decode_or_error(token)


# --- the secret -------------------------------------------------------------------------------

def test_share_secret_env_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("CERTRADAR_SHARE_SECRET", "from-env")
    assert share_secret({"CERTRADAR_SHARE_SECRET": "from-secrets"}, tmp_path / "s") == (b"from-env", False)
    monkeypatch.delenv("CERTRADAR_SHARE_SECRET")
    assert share_secret({"CERTRADAR_SHARE_SECRET": "from-secrets"}, tmp_path / "s") == (b"from-secrets", False)
    assert not (tmp_path / "s").exists()


def test_share_secret_generated_and_persisted(monkeypatch, tmp_path):
    monkeypatch.delenv("CERTRADAR_SHARE_SECRET", raising=False)
    path = tmp_path / "nested" / ".share-secret"
    secret, generated = share_secret({}, path)
    assert generated and len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert share_secret(None, path) == (secret, True)  # survives a "restart"
    assert share_secret({"OTHER": "x"}, path)[0] == secret
    assert [p.name for p in path.parent.iterdir()] == [".share-secret"]  # no temp files left
    other, _ = share_secret(None, tmp_path / "elsewhere")
    assert other != secret


def test_share_secret_tightens_loose_permissions(monkeypatch, tmp_path):
    monkeypatch.delenv("CERTRADAR_SHARE_SECRET", raising=False)
    path = tmp_path / ".share-secret"
    secret, _ = share_secret(None, path)
    os.chmod(path, 0o644)
    assert share_secret(None, path) == (secret, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_share_secret_refuses_a_corrupt_file(monkeypatch, tmp_path):
    monkeypatch.delenv("CERTRADAR_SHARE_SECRET", raising=False)
    path = tmp_path / ".share-secret"
    path.write_text("not hex")
    with pytest.raises(ValueError, match="delete it"):
        share_secret(None, path)


def test_share_secret_concurrent_first_use_agrees(monkeypatch, tmp_path):
    import threading

    monkeypatch.delenv("CERTRADAR_SHARE_SECRET", raising=False)
    path = tmp_path / ".share-secret"
    got: list[bytes] = []
    threads = [threading.Thread(target=lambda: got.append(share_secret(None, path)[0]))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(set(got)) == 1
