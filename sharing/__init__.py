"""Signed, self-contained share links for results."""
from .link import SharedResult, ShareLinkError, decode, encode, share_secret

__all__ = ["SharedResult", "ShareLinkError", "decode", "encode", "share_secret"]
