package dev.camelassistant.telegram;

import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;

/**
 * A text stored encrypted in one column ({@link EncryptedPayload#sealed()}), AES-256-GCM with the
 * key ring, bound to {@code binding} (a row read back under another binding is refused).
 */
final class SealedText {

    private SealedText() {
    }

    static String seal(CredentialCipher cipher, String binding, String text) {
        return cipher.encrypt(text == null ? "" : text, binding).sealed();
    }

    /** @throws IllegalArgumentException when the column does not hold a sealed text */
    static String open(CredentialCipher cipher, String binding, String sealed) {
        return cipher.decrypt(EncryptedPayload.fromSealed(sealed), binding);
    }
}
