from otklik.core.tests.gost_pki import gost_pki  # noqa: F401 — the GOST test PKI
from otklik.correspondence.tests.shared import clock, people  # noqa: F401 — fixtures
