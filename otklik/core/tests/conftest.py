"""Fixtures of the core tests: the GOST test PKI, made once per session."""

from otklik.core.tests.gost_pki import gost_pki  # noqa: F401 — a fixture, shared by name
