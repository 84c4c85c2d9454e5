import pytest

from otklik.config import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_prefixed,
    env_str,
    persistent_secret_key,
)


def test_value_from_environment(monkeypatch):
    monkeypatch.setenv("OTKLIK_X", "abc")
    assert env_str("OTKLIK_X") == "abc"


def test_file_variant_wins_and_strips_newline(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n", encoding="utf-8")
    monkeypatch.setenv("OTKLIK_X", "from-env")
    monkeypatch.setenv("OTKLIK_X_FILE", str(secret))
    assert env_str("OTKLIK_X") == "s3cr3t"


def test_unreadable_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("OTKLIK_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError, match="OTKLIK_X_FILE"):
        env_str("OTKLIK_X")


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("0", False), ("off", False), ("", False)]
)
def test_bool(monkeypatch, raw, value):
    monkeypatch.setenv("OTKLIK_B", raw)
    assert env_bool("OTKLIK_B") is value


def test_bad_bool_and_int_are_refused(monkeypatch):
    monkeypatch.setenv("OTKLIK_B", "maybe")
    monkeypatch.setenv("OTKLIK_I", "ten")
    with pytest.raises(ConfigurationError, match="OTKLIK_B"):
        env_bool("OTKLIK_B")
    with pytest.raises(ConfigurationError, match="OTKLIK_I"):
        env_int("OTKLIK_I", 1)


def test_list(monkeypatch):
    monkeypatch.setenv("OTKLIK_L", " a.ru, b.ru ,,")
    assert env_list("OTKLIK_L", []) == ["a.ru", "b.ru"]
    assert env_list("OTKLIK_MISSING", ["x"]) == ["x"]


def test_prefixed_variables_are_collected_with_their_file_form(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.setenv("OTKLIK_T_SECRET_GIS_ZHKH", "plain")
    monkeypatch.setenv("OTKLIK_T_SECRET_EDS_FILE", str(secret))
    monkeypatch.setenv("OTKLIK_T_SECRET_EMPTY", "")
    assert env_prefixed("OTKLIK_T_SECRET_") == {"EDS": "from-file", "GIS_ZHKH": "plain"}


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = persistent_secret_key(tmp_path)
    second = persistent_secret_key(tmp_path)
    assert first == second
    assert len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
