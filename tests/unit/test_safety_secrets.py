"""Cluster secrets: from the environment or files, never shown; TLS verified for remote clusters."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.exceptions import ConfigError
from pipeline.index import ClusterSettings
from pipeline.index.secrets import install_log_redaction, redact, register_secret

KEY = "write-key-7c1f9e2d"
PASSWORD = "pa55-w0rd-4b8e"
SEARCH_KEY = "read-only-key-3a9d"


def test_secrets_are_read_from_files_named_by_the_environment(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(KEY + "\n")
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    settings = ClusterSettings.from_env(
        {
            "ELASTICSEARCH_URL": "https://es.example.org:9200",
            "ELASTICSEARCH_API_KEY_FILE": str(tmp_path / "key"),
            "ELASTICSEARCH_USERNAME": "ingest",
            "ELASTICSEARCH_PASSWORD_FILE": str(tmp_path / "pw"),
        }
    )
    assert settings.api_key == KEY and settings.password == PASSWORD
    assert settings.client_options()["api_key"] == KEY  # the key wins over user/password


def test_an_unreadable_secret_file_names_the_variable_not_the_content(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ELASTICSEARCH_PASSWORD_FILE") as caught:
        ClusterSettings.from_env({"ELASTICSEARCH_PASSWORD_FILE": str(tmp_path / "missing")})
    assert "missing" in str(caught.value)


def test_repr_and_str_mask_every_secret_and_url_credentials() -> None:
    settings = ClusterSettings.from_env(
        {
            "ELASTICSEARCH_URL": f"https://ingest:{PASSWORD}@es.example.org:9200",
            "ELASTICSEARCH_API_KEY": KEY,
        }
    )
    for shown in (repr(settings), str(settings), f"{settings}", f"{[settings]}"):
        assert KEY not in shown and PASSWORD not in shown
        assert "api_key='***'" in shown and "password='***'" in shown
        assert "es.example.org" in shown


def test_credentials_in_the_url_move_to_basic_auth() -> None:
    settings = ClusterSettings.from_env(
        {"ELASTICSEARCH_URL": f"https://ingest:{PASSWORD}@es.example.org:9200"}
    )
    assert settings.url == "https://es.example.org:9200"
    assert settings.client_options()["basic_auth"] == ("ingest", PASSWORD)


def test_unverified_tls_to_a_remote_cluster_is_refused() -> None:
    env = {
        "ELASTICSEARCH_URL": "https://es.example.org:9200",
        "ELASTICSEARCH_VERIFY_CERTS": "false",
    }
    with pytest.raises(ConfigError, match="ELASTICSEARCH_INSECURE_TLS"):
        ClusterSettings.from_env(env)  # at start-up, before anything is fetched
    with pytest.raises(ConfigError, match="without verifying its TLS certificate"):
        ClusterSettings(url=env["ELASTICSEARCH_URL"], verify_certs=False).client_options()
    verified = ClusterSettings.from_env({"ELASTICSEARCH_URL": "https://es.example.org:9200"})
    assert "verify_certs" not in verified.client_options()  # on by default


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_unverified_tls_to_a_loopback_cluster_is_allowed(host: str) -> None:
    settings = ClusterSettings.from_env(
        {"ELASTICSEARCH_URL": f"https://{host}:9200", "ELASTICSEARCH_VERIFY_CERTS": "0"}
    )
    assert settings.client_options()["verify_certs"] is False


def test_the_insecure_flag_allows_unverified_tls_with_a_loud_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = ClusterSettings.from_env(
        {
            "ELASTICSEARCH_URL": f"https://ingest:{PASSWORD}@es.example.org:9200",
            "ELASTICSEARCH_VERIFY_CERTS": "false",
            "ELASTICSEARCH_INSECURE_TLS": "1",
        }
    )
    with caplog.at_level(logging.WARNING):
        assert settings.client_options()["verify_certs"] is False
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and "VERIFICATION IS OFF" in warning[0].getMessage()
    assert PASSWORD not in caplog.text


def test_search_uses_read_only_credentials_when_given(tmp_path: Path) -> None:
    (tmp_path / "search-key").write_text(SEARCH_KEY)
    env = {
        "ELASTICSEARCH_URL": "https://es.example.org:9200",
        "ELASTICSEARCH_API_KEY": KEY,
        "ELASTICSEARCH_SEARCH_API_KEY_FILE": str(tmp_path / "search-key"),
    }
    assert ClusterSettings.for_search(env).api_key == SEARCH_KEY
    assert ClusterSettings.from_env(env).api_key == KEY
    # Without read-only credentials, search falls back to the writer's.
    assert ClusterSettings.for_search({"ELASTICSEARCH_API_KEY": KEY}).api_key == KEY


def test_search_user_replaces_credentials_embedded_in_the_url() -> None:
    env = {
        "ELASTICSEARCH_URL": f"https://ingest:{PASSWORD}@es.example.org:9200",
        "ELASTICSEARCH_SEARCH_USERNAME": "reader",
        "ELASTICSEARCH_SEARCH_PASSWORD": "reader-pw-91",
    }
    assert ClusterSettings.for_search(env).client_options()["basic_auth"] == (
        "reader",
        "reader-pw-91",
    )


def test_log_records_are_redacted_in_message_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_redaction()
    register_secret("tr4ceback-secret")
    log = logging.getLogger("test.secrets")
    with caplog.at_level(logging.INFO):
        log.info("connecting to %s", "https://u:hunter22@es.example.org:9200/_bulk")
        try:
            raise RuntimeError("auth failed with tr4ceback-secret")
        except RuntimeError:
            log.exception("request failed")
    assert "hunter22" not in caplog.text and "tr4ceback-secret" not in caplog.text
    assert "https://***@es.example.org:9200/_bulk" in caplog.text
    assert "RuntimeError: auth failed with ***" in caplog.text


def test_redact_masks_url_encoded_passwords_and_leaves_plain_urls() -> None:
    register_secret("p%40ss-word-5")
    assert redact("password p@ss-word-5 and http://a:b@h/") == "password *** and http://***@h/"
    assert redact("http://127.0.0.1:9200/_search") == "http://127.0.0.1:9200/_search"


def test_credentials_over_plain_http_to_a_remote_cluster_are_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    remote = ClusterSettings.from_env(
        {"ELASTICSEARCH_URL": "http://es.example.org:9200", "ELASTICSEARCH_API_KEY": KEY}
    )
    local = ClusterSettings.from_env(
        {"ELASTICSEARCH_URL": "http://127.0.0.1:9200", "ELASTICSEARCH_API_KEY": KEY}
    )
    with caplog.at_level(logging.WARNING, logger="pipeline.index.access"):
        local.client_options()
        assert not caplog.records
        remote.client_options()
    assert "unencrypted" in caplog.text and KEY not in caplog.text


def test_redaction_keeps_the_shape_of_log_arguments(caplog: pytest.LogCaptureFixture) -> None:
    # uvicorn's access log formatter unpacks record.args itself: a tuple must stay a tuple.
    install_log_redaction()
    register_secret(PASSWORD)
    log = logging.getLogger("test.secrets.shape")
    with caplog.at_level(logging.INFO):
        log.info('%s - "%s %s" %d', "127.0.0.1:5000", "GET", f"/x?k={PASSWORD}", 200)
    (record,) = caplog.records
    assert isinstance(record.args, tuple) and len(record.args) == 4
    client, method, path, status = record.args
    assert (client, method, status) == ("127.0.0.1:5000", "GET", 200)
    assert path == "/x?k=***" and PASSWORD not in record.getMessage()
