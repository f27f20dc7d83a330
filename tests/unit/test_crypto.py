import pytest

from saleor_amazon_feeds import crypto


def test_round_trip_and_ciphertext_hides_the_secret():
    cipher = crypto.build_cipher(["installation key"])
    stored = crypto.encrypt(cipher, "Atzr|refresh-token")
    assert stored.startswith(crypto.PREFIX)
    assert "Atzr" not in stored
    assert crypto.decrypt(cipher, stored) == "Atzr|refresh-token"
    # Fernet tokens are randomised: equal secrets do not give equal columns.
    assert crypto.encrypt(cipher, "Atzr|refresh-token") != stored


def test_rotated_key_still_decrypts_old_values():
    old = crypto.encrypt(crypto.build_cipher(["old key"]), "secret")
    rotated = crypto.build_cipher(["new key", "old key"])
    assert crypto.decrypt(rotated, old) == "secret"
    assert crypto.decrypt(rotated, crypto.encrypt(rotated, "x")) == "x"


@pytest.mark.parametrize("stored", ["plaintext", crypto.PREFIX + "garbage"])
def test_undecryptable_values_raise_a_clear_error(stored):
    cipher = crypto.build_cipher(["key"])
    with pytest.raises(crypto.SecretDecryptionError):
        crypto.decrypt(cipher, stored)


def test_wrong_key_is_reported_as_such():
    stored = crypto.encrypt(crypto.build_cipher(["a"]), "secret")
    with pytest.raises(crypto.SecretDecryptionError, match="encryption key"):
        crypto.decrypt(crypto.build_cipher(["b"]), stored)


def test_no_key_material_is_refused():
    with pytest.raises(ValueError, match="no encryption key"):
        crypto.build_cipher(["", ""])
