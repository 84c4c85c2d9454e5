from otklik.correspondence.tests.shared import clock, people  # noqa: F401 — fixtures
