package dev.camelassistant.crypto;

/**
 * One AES-256-GCM encrypted value as stored: ciphertext, 96-bit IV and 128-bit authentication tag,
 * each base64 (RFC 4648, with padding), and the version id of the key it was encrypted with (see
 * {@link KeyRing#versionOf(byte[])}). Holds nothing secret.
 * <p>
 * Stored either in four columns (credentials, conversation turns) or sealed in one
 * ({@link #sealed()}: {@code keyVersion|iv|tag|ciphertext}, the inbox and the outbox).
 */
public record EncryptedPayload(String ciphertext, String iv, String tag, String keyVersion) {

    /** The one-column form: {@code keyVersion|iv|tag|ciphertext}. */
    public String sealed() {
        return String.join("|", keyVersion, iv, tag, ciphertext);
    }

    /**
     * Reads the one-column form of {@link #sealed()}.
     *
     * @throws IllegalArgumentException when the column does not hold a sealed value
     */
    public static EncryptedPayload fromSealed(String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\|", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("malformed payload");
        }
        return new EncryptedPayload(parts[3], parts[1], parts[2], parts[0]);
    }
}
