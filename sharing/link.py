"""Signed, self-contained share links for a result.

Format: ``"1." + b64url(zlib(compact JSON)) + "." + b64url(HMAC-SHA256(secret, "1." + payload))``,
unpadded base64url, so a link only holds ``[A-Za-z0-9_.-]``. The JSON is validated strictly on the
way in and on the way out, so whatever ``encode`` produces, ``decode`` gives back exactly.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets as _secrets
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_PATH = REPO_ROOT / "data" / ".share-secret"

VERSION = "1"
MAX_LINK_CHARS = 2000  # decode refuses longer input before doing any work
MAX_JSON_BYTES = 20_000  # decompression cap (a 2000-char link can't hold more when honest)
SE_MIN, SE_MAX = 0.01, 10.0  # encode clamps the standard error into this range after rounding

_LINK_RE = re.compile(r"[A-Za-z0-9_.-]*")
_B64_RE = re.compile(r"[A-Za-z0-9_-]*")
_SIGNATURE_CHARS = 43  # unpadded base64url of 32 bytes
_JOINERS = {"\u200c", "\u200d"}  # the only format characters a name may hold (ZWNJ, ZWJ)


@dataclass(frozen=True)
class SharedResult:
    created: datetime.date
    levels: dict[str, tuple[float, float, int]]  # domain id -> (level 0..4, standard error, items)
    profile: dict  # {"years": int, "cloud": str, "focus": str, "certs": list[str], "target"?: str,
    #                  "confidence"?: {area: 1..5}}
    name: str | None = None


class ShareLinkError(ValueError):
    """A link that cannot be read; ``str(e)`` is a message for users."""


# --- the JSON payload -------------------------------------------------------------------------

CertId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]


class _Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    years: int = Field(ge=0, le=60)
    cloud: Literal["aws", "azure", "gcp", "databricks", "none"]
    focus: Literal["deep_learning", "classical", "both"]
    certs: list[CertId] = Field(max_length=12)
    #: The certification the results are about, and the self-ratings the levels' priors used, so
    #: the shared view reaches the same verdict (both optional: links made before them still open).
    target: CertId | None = None
    confidence: dict[Literal["math", "python", "ml", "platforms"], Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=dict)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    created: datetime.date
    levels: dict[str, tuple[Annotated[float, Field(ge=0, le=4)],
                            Annotated[float, Field(ge=SE_MIN, le=SE_MAX)],
                            Annotated[int, Field(ge=1, le=10_000)]]] = Field(min_length=1)
    profile: _Profile
    name: str | None = Field(default=None, min_length=1, max_length=60)

    @field_validator("levels")
    @classmethod
    def _known_domains(cls, levels: dict[str, Any]) -> dict[str, Any]:
        from scoring.domains import taxonomy

        unknown = sorted(set(levels) - set(taxonomy().domain_ids))
        if unknown:
            raise ValueError(f"unknown domain ids: {', '.join(unknown)}")
        return levels

    @field_validator("name")
    @classmethod
    def _plain_text(cls, name: str | None) -> str | None:
        if name is not None:
            if name != name.strip():
                raise ValueError("name has leading or trailing spaces")
            if any(unicodedata.category(c).startswith("C") and c not in _JOINERS for c in name):
                raise ValueError("name holds control, formatting or unassigned characters")
        return name


def _validate(raw: bytes) -> _Payload:
    """Strictly parse the payload JSON (duplicate keys and NaN/Infinity refused as well)."""
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return dict(pairs)

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")

    json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants)
    return _Payload.model_validate_json(raw)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _to_json(result: SharedResult) -> bytes:
    """The compact payload: levels rounded to 2 decimals, the error clamped into [SE_MIN, SE_MAX],
    the name stripped (an empty name becomes None), tuples made lists. Validation is left to
    ``_validate``, which encode and decode share."""
    def level(v: Any) -> Any:
        if not (isinstance(v, (tuple, list)) and len(v) == 3):
            return v
        lvl, se, n = v
        if _is_number(lvl):
            lvl = round(float(lvl), 2)
        if _is_number(se):
            se = min(max(round(float(se), 2), SE_MIN), SE_MAX)
        return [lvl, se, n]

    created = result.created
    if isinstance(created, datetime.datetime):
        created = created.date()
    profile = dict(result.profile)
    if isinstance(profile.get("certs"), tuple):
        profile["certs"] = list(profile["certs"])
    data: dict[str, Any] = {
        "created": created.isoformat() if isinstance(created, datetime.date) else created,
        "levels": {k: level(v) for k, v in result.levels.items()},
        "profile": profile,
    }
    name = (result.name.strip() or None) if isinstance(result.name, str) else result.name
    if name is not None:
        data["name"] = name
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _from_payload(p: _Payload) -> SharedResult:
    return SharedResult(created=p.created, levels=dict(p.levels),
                        profile=p.profile.model_dump(exclude_defaults=True), name=p.name)


# --- links ------------------------------------------------------------------------------------

def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    """Strict unpadded base64url: only the canonical spelling of some bytes is accepted."""
    if not _B64_RE.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64e(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _sign(signed_part: str, secret: bytes) -> bytes:
    return hmac.new(secret, signed_part.encode("ascii"), hashlib.sha256).digest()


def encode(result: SharedResult, secret: bytes) -> str:
    """The share link token for ``result`` (levels and errors rounded to 2 decimals).

    Raises ValueError if ``result`` breaks the documented limits.
    """
    try:
        raw = _to_json(result)
        _validate(raw)
    except (TypeError, ValueError) as e:  # ValidationError is a ValueError
        raise ValueError(f"cannot share this result: {e}") from None
    signed_part = f"{VERSION}.{_b64e(zlib.compress(raw, 9))}"
    link = f"{signed_part}.{_b64e(_sign(signed_part, secret))}"
    if len(link) > MAX_LINK_CHARS:
        raise ValueError(f"cannot share this result: the link would be {len(link)} characters")
    return link


def decode(token: str, secret: bytes) -> SharedResult:
    """The result inside a link made by ``encode`` with the same secret, else ShareLinkError."""
    if not isinstance(token, str):
        raise ShareLinkError("This is not a CertRadar link")
    if len(token) > MAX_LINK_CHARS:
        raise ShareLinkError("This link is too long to be a CertRadar link")
    token = token.strip()
    if not token:
        raise ShareLinkError("This link is empty")
    if not _LINK_RE.fullmatch(token):
        raise ShareLinkError("This is not a CertRadar link (it holds characters such links never have)")
    parts = token.split(".")
    if parts[0] != VERSION:
        if parts[0].isdigit() and len(parts) > 1:
            raise ShareLinkError(f"This link was made by another version of CertRadar "
                                 f"(unsupported version {parts[0][:6]})")
        raise ShareLinkError("This is not a CertRadar link")
    if len(parts) < 3 or not parts[1] or not parts[2]:
        raise ShareLinkError("This link is cut off (part of it is missing); copy the whole link")
    if len(parts) > 3:
        raise ShareLinkError("This is not a CertRadar link (it has too many parts)")
    if len(parts[2]) < _SIGNATURE_CHARS:
        raise ShareLinkError("This link is cut off (part of it is missing); copy the whole link")
    try:
        signature, compressed = _b64d(parts[2]), _b64d(parts[1])
    except (ValueError, binascii.Error):
        raise ShareLinkError("This link is damaged (it is not properly encoded)") from None
    if not hmac.compare_digest(_sign(f"{parts[0]}.{parts[1]}", secret), signature):
        raise ShareLinkError("This link was changed after it was made, or made by another CertRadar "
                             "site (signature does not match)")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise ShareLinkError("This link holds more data than a CertRadar result")
        return _from_payload(_validate(raw))
    except ShareLinkError:
        raise
    except (zlib.error, ValueError):  # includes UnicodeDecodeError and pydantic's ValidationError
        raise ShareLinkError("This link does not hold a valid CertRadar result") from None


# --- the signing secret -----------------------------------------------------------------------

def share_secret(secrets: Mapping[str, Any] | None = None,
                 path: Path | None = None) -> tuple[bytes, bool]:
    """(secret, generated_locally).

    env CERTRADAR_SHARE_SECRET, then ``secrets["CERTRADAR_SHARE_SECRET"]``; else a random secret kept
    in ``path`` (default <repo>/data/.share-secret, mode 0600) and made on first use, so links
    survive restarts. ``generated_locally`` is True in that last case (also when it was read back
    from the file): links then only open on this installation.
    """
    configured: Any = os.environ.get("CERTRADAR_SHARE_SECRET")
    if not configured and secrets is not None:
        try:
            configured = secrets.get("CERTRADAR_SHARE_SECRET")
        except Exception:  # noqa: BLE001 - st.secrets raises when there is no secrets.toml
            configured = None
    if configured:
        return (configured if isinstance(configured, bytes) else str(configured).encode("utf-8")), False
    return _local_secret(path or DEFAULT_SECRET_PATH), True


def _local_secret(path: Path) -> bytes:
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{_secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(_secrets.token_bytes(32).hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces a secret another process just made
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise ValueError(f"{path} does not hold a valid share secret; delete it to make a new one "
                         f"(links made with the old one will stop opening)")
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return secret
