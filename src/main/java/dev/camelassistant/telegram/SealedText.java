package dev.camelassistant.telegram;

import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;

/**
 * A text stored encrypted in one column: {@code keyVersion|iv|tag|ciphertext}, AES-256-GCM with the
 * key ring, bound to {@code binding} (a row read back under another binding is refused).
 */
final class SealedText {

    private SealedText() {
    }

    static String seal(CredentialCipher cipher, String binding, String text) {
        EncryptedPayload p = cipher.encrypt(text == null ? "" : text, binding);
        return String.join("|", p.keyVersion(), p.iv(), p.tag(), p.ciphertext());
    }

    /** @throws IllegalArgumentException when the column does not hold a sealed text */
    static String open(CredentialCipher cipher, String binding, String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\|", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("malformed payload");
        }
        return cipher.decrypt(new EncryptedPayload(parts[3], parts[1], parts[2], parts[0]), binding);
    }
}
