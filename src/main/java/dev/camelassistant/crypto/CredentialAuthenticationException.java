package dev.camelassistant.crypto;

/**
 * A stored credential did not pass AES-GCM authentication: it was encrypted with another key,
 * under another name, or its ciphertext, IV or tag was changed. The message names the credential
 * and never contains the key or any plaintext.
 */
public class CredentialAuthenticationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String credentialName;

    public CredentialAuthenticationException(String credentialName) {
        this(credentialName, "wrong key, wrong name or tampered data", null);
    }

    public CredentialAuthenticationException(String credentialName, String reason, Throwable cause) {
        super("credential '" + printable(credentialName) + "' could not be authenticated: " + reason, cause);
        this.credentialName = credentialName;
    }

    /** The credential was encrypted under a key version this key ring does not hold. */
    static CredentialAuthenticationException unknownKeyVersion(String credentialName, String keyVersion) {
        return new CredentialAuthenticationException(credentialName,
                "it was encrypted under key version " + printable(keyVersion)
                + ", which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS", null);
    }

    public String credentialName() {
        return credentialName;
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String shown = s.length() > 128 ? s.substring(0, 128) + "…" : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
