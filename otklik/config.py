"""Configuration from the environment.

Every setting is read from an ``OTKLIK_*`` variable with a safe default. Any of them can also be
given as a file: ``OTKLIK_X_FILE=/run/secrets/x`` reads the value from that file (trailing
newline stripped), which is how container and systemd secrets are usually handed over.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on", "да"}
FALSE_WORDS = {"0", "false", "no", "off", "нет", ""}


class ConfigurationError(Exception):
    """A setting in the environment cannot be understood."""


def env_str(name: str, default: str | None = None) -> str | None:
    """The value of ``name``, or of the file named by ``name_FILE``; else ``default``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE={file_name}: cannot read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={value!r}: expected one of 1/0, true/false, yes/no")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={value!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every variable ``<prefix><KEY>`` (or ``<prefix><KEY>_FILE``) that is set, by ``KEY``,
    each read as ``env_str`` reads one (empty values left out)."""
    keys = {
        name[len(prefix) :].removesuffix("_FILE")
        for name in os.environ
        if name.startswith(prefix) and name[len(prefix) :].removesuffix("_FILE")
    }
    return {key: value for key in sorted(keys) if (value := env_str(prefix + key))}


def persistent_secret_key(var_dir: Path) -> str:
    """The secret key kept in ``var/secret_key`` for the embedded default, created on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # Created readable by the owner only, never by the group or others.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (web or worker) created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key
