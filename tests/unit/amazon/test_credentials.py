import logging

import pytest

from saleor_amazon_feeds.amazon.credentials import (
    Credentials,
    install_log_redaction,
    redact,
)

SECRET = "amzn1.oa2-cs.v1.supersecretvalue123"
REFRESH = "Atzr|IwEBIrefreshtoken-abcdef"


def test_repr_masks_secrets():
    creds = Credentials("amzn1.application-oa2-client.abc", SECRET, REFRESH, "A1SELLER")
    text = repr(creds) + str(creds) + f"{creds}"
    assert SECRET not in text
    assert REFRESH not in text
    assert "A1SELLER" in text
    assert "amzn1.application-oa2-client.abc" in text


def test_coerce():
    creds = Credentials.coerce(("id", "client-secret", "refresh-token", "SELLER"))
    assert creds.seller_id == "SELLER"
    assert Credentials.coerce(creds) is creds
    assert (
        Credentials.coerce(
            {
                "lwa_client_id": "id",
                "lwa_client_secret": "client-secret",
                "refresh_token": "refresh-token",
                "seller_id": "SELLER",
            }
        )
        == creds
    )
    with pytest.raises(ValueError, match="refresh_token"):
        Credentials("id", "secret", "", "SELLER")
    with pytest.raises(TypeError):
        Credentials.coerce(("only", "three", "items"))


def test_library_loggers_redact_known_and_shaped_secrets(caplog):
    Credentials("client", "my-own-client-secret", "my-refresh-token", "SELLER")
    install_log_redaction()
    caplog.set_level(logging.DEBUG, logger="sp_api.base.client")
    logging.getLogger("sp_api.base.client").debug(
        "Request Headers: %s",
        {"x-amz-access-token": "Atza|accesstoken123", "rt": "my-refresh-token"},
    )
    text = caplog.text
    assert "Atza|accesstoken123" not in text
    assert "my-refresh-token" not in text
    assert "Request Headers" in text
    assert redact(f"secret={SECRET}") == "secret=***"
