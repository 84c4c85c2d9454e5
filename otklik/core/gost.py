"""ГОСТ Р 34.11-2012 («Стрибог», 256 bits): the hash of registered documents and attachments.

OpenSSL with the GOST engine (Debian's ``libengine-gost-openssl``, installed by ``make gost``)
hashes fast and is what a third party checks with; where the engine is absent the pure-Python
``gostcrypto`` computes the same digest (slower: about 5 s per MB), so registering a document
never depends on a system package. Tests check the two against each other and against the
standard's example."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile

OPENSSL = os.environ.get("OTKLIK_OPENSSL", "openssl")


@functools.cache
def gost_engine_available() -> bool:
    """Whether ``openssl`` here loads the GOST engine (checked once per process)."""
    if not shutil.which(OPENSSL):
        return False
    try:
        done = subprocess.run(
            [OPENSSL, "engine", "gost", "-c"], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and b"md_gost12_256" in done.stdout


def _openssl_streebog256(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(prefix="otklik-gost-") as f:
        f.write(data)
        f.flush()
        done = subprocess.run(
            [OPENSSL, "dgst", "-engine", "gost", "-md_gost12_256", "-r", f.name],
            capture_output=True,
            timeout=120,
            check=True,
        )
    # «<hex> *<file>»; the engine's banner goes to stderr
    return done.stdout.split()[0].decode("ascii")


def _python_streebog256(data: bytes) -> str:
    import gostcrypto.gosthash

    return gostcrypto.gosthash.new("streebog256", data=data).hexdigest()


def streebog256(data: bytes) -> str:
    """The hex digest of ``data`` by ГОСТ Р 34.11-2012 with a 256-bit result."""
    if gost_engine_available():
        try:
            return _openssl_streebog256(data)
        except (OSError, subprocess.SubprocessError, IndexError, UnicodeDecodeError):
            pass  # the same digest from the pure-Python implementation below
    return _python_streebog256(data)
