"""The Streebog-256 hash: the standard's first example, and OpenSSL's GOST engine and the
pure-Python implementation agreeing on arbitrary bytes."""

import os

import pytest

from otklik.core import gost

# ГОСТ Р 34.11-2012 (and RFC 6986, section 10.1), example 1: the 63 ASCII bytes
# «012345678901…012»; the standard prints the message and its hash as numbers, least
# significant byte last, so the digest's bytes read here in the reverse order of its text:
# 00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d.
M1 = b"012345678901234567890123456789012345678901234567890123456789012"
H1_256 = "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"


def test_the_pure_python_hash_gives_the_standards_example():
    assert gost._python_streebog256(M1) == H1_256


@pytest.mark.skipif(not gost.gost_engine_available(), reason="no OpenSSL GOST engine here")
def test_openssl_and_the_pure_python_hash_agree():
    for data in (b"", M1, os.urandom(5000)):
        assert gost._openssl_streebog256(data) == gost._python_streebog256(data)


def test_streebog256_is_the_hex_digest():
    assert gost.streebog256(M1) == H1_256
