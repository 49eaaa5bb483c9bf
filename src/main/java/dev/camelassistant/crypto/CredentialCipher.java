package dev.camelassistant.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for credential values, with the JDK's own provider (SunJCE) only.
 * <p>
 * Every encryption uses a fresh random 96-bit IV and produces a 128-bit tag. The associated data
 * is {@code name + "\0" + keyVersion} (UTF-8), so a ciphertext copied into another row, or
 * relabelled with another key version, fails authentication. Thread-safe: each call uses its own
 * {@link Cipher}; the {@link SecureRandom} is shared.
 */
public final class CredentialCipher {

    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    static final int IV_BYTES = 12;
    static final int TAG_BYTES = 16;

    private static final Provider PROVIDER = jdkProvider();

    private final KeyRing keyRing;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(KeyRing keyRing) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
    }

    public KeyRing keyRing() {
        return keyRing;
    }

    /** Encrypts a value stored under {@code name} with the current key. */
    public EncryptedPayload encrypt(String plaintext, String name) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(name, "name");
        String version = keyRing.currentVersion();
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] pt = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] sealed = null;
        try {
            sealed = seal(keyRing.currentKey(), iv, pt, aad(name, version));
            int ctLength = sealed.length - TAG_BYTES;
            Base64.Encoder b64 = Base64.getEncoder();
            return new EncryptedPayload(
                    b64.encodeToString(Arrays.copyOfRange(sealed, 0, ctLength)),
                    b64.encodeToString(iv),
                    b64.encodeToString(Arrays.copyOfRange(sealed, ctLength, sealed.length)),
                    version);
        } finally {
            Arrays.fill(pt, (byte) 0);
        }
    }

    /**
     * Decrypts a value stored under {@code name}.
     *
     * @throws CredentialAuthenticationException unknown key version, wrong key, wrong name,
     *                                           changed ciphertext/IV/tag or malformed base64
     */
    public String decrypt(EncryptedPayload payload, String name) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(name, "name");
        SecretKey key = keyRing.key(payload.keyVersion())
                .orElseThrow(() -> CredentialAuthenticationException.unknownKeyVersion(name, payload.keyVersion()));
        byte[] ciphertext;
        byte[] iv;
        byte[] tag;
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            ciphertext = b64.decode(payload.ciphertext());
            iv = b64.decode(payload.iv());
            tag = b64.decode(payload.tag());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CredentialAuthenticationException(name, "malformed ciphertext, IV or tag (tampered data)", null);
        }
        if (iv.length != IV_BYTES || tag.length != TAG_BYTES) {
            throw new CredentialAuthenticationException(name, "IV or tag has the wrong length (tampered data)", null);
        }
        byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + TAG_BYTES);
        System.arraycopy(tag, 0, sealed, ciphertext.length, TAG_BYTES);
        byte[] pt;
        try {
            pt = open(key, iv, sealed, aad(name, payload.keyVersion()));
        } catch (AEADBadTagException e) {
            throw new CredentialAuthenticationException(name);
        }
        try {
            return new String(pt, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(pt, (byte) 0);
        }
    }

    /** The associated data binding a ciphertext to its row and key: UTF-8 of name + "\0" + keyVersion. */
    static byte[] aad(String name, String keyVersion) {
        return (name + "\u0000" + keyVersion).getBytes(StandardCharsets.UTF_8);
    }

    /** AES-GCM encryption with a 128-bit tag: returns ciphertext || tag, as the JDK produces it. */
    static byte[] seal(SecretKey key, byte[] iv, byte[] plaintext, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION, PROVIDER);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** AES-GCM decryption of ciphertext || tag; AEADBadTagException when it does not authenticate. */
    static byte[] open(SecretKey key, byte[] iv, byte[] ciphertextAndTag, byte[] aad) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION, PROVIDER);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(ciphertextAndTag);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Provider jdkProvider() {
        Provider p = Security.getProvider("SunJCE");
        if (p == null) {
            throw new IllegalStateException("the JDK's SunJCE provider is not available; it is required for AES-GCM");
        }
        return p;
    }
}
