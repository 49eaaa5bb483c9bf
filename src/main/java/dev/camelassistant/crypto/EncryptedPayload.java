package dev.camelassistant.crypto;

/**
 * One AES-256-GCM encrypted credential value as stored in the {@code credentials} table:
 * ciphertext, 96-bit IV and 128-bit authentication tag, each base64 (RFC 4648, with padding),
 * and the version id of the key it was encrypted with (see {@link KeyRing#versionOf(byte[])}).
 * Holds nothing secret.
 */
public record EncryptedPayload(String ciphertext, String iv, String tag, String keyVersion) {
}
