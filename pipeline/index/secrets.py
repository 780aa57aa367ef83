"""Cluster credentials: read from the environment or from files, kept out of every log line.

A secret is given either as ``NAME`` or as ``NAME_FILE`` (a path whose content, stripped of the
trailing newline, is the secret; what Docker and Kubernetes secrets mount). Every secret read
here is registered, and ``install_log_redaction()`` makes every log record -- message, arguments
and traceback -- replace registered secrets and the user-info part of any URL
(``https://user:pass@host`` -> ``https://***@host``) with ``***``. ``redact()`` does the same
for error messages printed outside logging.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from pipeline.exceptions import ConfigError

MASK = "***"
# Secrets shorter than this are not masked inside other text: "a" would blank every log line.
_MIN_MASKED_LENGTH = 4
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/@\s'\"]+@")

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def read_secret(env: Mapping[str, str], name: str) -> str | None:
    """``env[name]``, else the content of the file named by ``env[name + "_FILE"]``, else None."""
    value = env.get(name) or None
    path = env.get(f"{name}_FILE") or None
    if value is None and path is not None:
        try:
            value = Path(path).read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as exc:
            # The message names the variable and the path, never anything read from the file.
            raise ConfigError(f"cannot read {name}_FILE {path!r}: {type(exc).__name__}") from None
    if value is not None:
        register_secret(value)
    return value


def register_secret(value: str) -> None:
    """Mask ``value`` (and its URL-decoded form) wherever it appears in later log lines."""
    with _lock:
        for form in {value, unquote(value)}:
            if len(form) >= _MIN_MASKED_LENGTH:
                _secrets.add(form)


def redact(text: str) -> str:
    """``text`` with URL user-info and every registered secret replaced by ``***``."""
    text = _URL_USERINFO.sub(rf"\g<scheme>{MASK}@", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``(url without user-info, user, password)``; credentials in a URL are registered.

    ``url`` may list several nodes of one cluster, comma-separated: each loses its user-info
    and the first credentials found are returned (one cluster has one set of credentials).
    """
    if "," in url:
        split = [split_userinfo(part.strip()) for part in url.split(",") if part.strip()]
        user = next((s[1] for s in split if s[1] is not None), None)
        password = next((s[2] for s in split if s[2] is not None), None)
        return ",".join(s[0] for s in split), user, password
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    if password:
        register_secret(password)
    return clean, unquote(user) or None, unquote(password) if sep else None


def install_log_redaction() -> None:
    """Redact every log record created from now on in this process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # Arguments are redacted one by one, keeping their shape: some formatters (uvicorn's
        # access log) unpack record.args themselves.
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        clean = redact(message)
        if clean != message:  # a secret made of several arguments, or shown by %r
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redact(text)
        return record

    logging.setLogRecordFactory(factory)


def _redact_arg(value: object) -> object:
    """A log argument with secrets masked; numbers and unaffected objects stay as they are."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # an object that cannot show itself is left to the formatter
        return value
    clean = redact(text)
    return value if clean == text else clean
