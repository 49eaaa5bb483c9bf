package dev.camelassistant.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 keys of the credential vault: the current key (ENCRYPTION_KEY), used for every new
 * encryption, and the previous keys (ENCRYPTION_KEYS_PREVIOUS), still accepted for decryption until
 * {@code credentials rotate} has moved every row to the current key.
 * <p>
 * Each key is known by a short version id derived from it ({@link #versionOf(byte[])}), which is
 * stored next to each ciphertext; the id reveals nothing usable about the key.
 */
public final class KeyRing {

    /** The key file used when ENCRYPTION_KEY is unset: DATA_DIR/encryption.key. */
    public static final String KEY_FILE = "encryption.key";

    static final int KEY_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] VERSION_PREFIX = "camel-assistant/key-version/".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentVersion;
    /** version id → key; the current key first. */
    private final Map<String, SecretKey> keys;
    private final List<String> secrets;

    private KeyRing(String currentVersion, Map<String, SecretKey> keys, List<String> secrets) {
        this.currentVersion = currentVersion;
        this.keys = Collections.unmodifiableMap(keys);
        this.secrets = List.copyOf(secrets);
    }

    /**
     * @param currentHex  ENCRYPTION_KEY: 64 hex characters, or null/blank to use (and on the first
     *                    run create) {@code dataDir/encryption.key}
     * @param previousCsv ENCRYPTION_KEYS_PREVIOUS: comma-separated 64-hex keys, may be null/blank
     * @param dataDir     DATA_DIR; only used when currentHex is blank
     * @throws IllegalArgumentException a malformed key, naming the variable but not its value
     */
    public static KeyRing load(String currentHex, String previousCsv, Path dataDir) {
        List<String> secrets = new ArrayList<>();
        String current;
        if (currentHex == null || currentHex.isBlank()) {
            if (dataDir == null) {
                throw new IllegalArgumentException("ENCRYPTION_KEY: is not set and there is no DATA_DIR for a key file");
            }
            current = loadOrCreateKeyFile(dataDir);
        } else {
            current = currentHex.trim();
            if (!HEX_KEY.matcher(current).matches()) {
                throw new IllegalArgumentException("ENCRYPTION_KEY: must be 64 hexadecimal characters (32 bytes)");
            }
        }
        addSecret(secrets, current);

        List<String> previous = new ArrayList<>();
        if (previousCsv != null) {
            int position = 0;
            for (String part : previousCsv.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                position++;
                String hex = part.trim();
                if (!HEX_KEY.matcher(hex).matches()) {
                    throw new IllegalArgumentException("ENCRYPTION_KEYS_PREVIOUS: entry " + position
                            + " must be 64 hexadecimal characters (32 bytes)");
                }
                addSecret(secrets, hex);
                previous.add(hex);
            }
        }
        return build(current, previous, secrets);
    }

    /** A key ring from hex keys given directly (tests, tools): the current key and the previous ones. */
    public static KeyRing of(String currentHex, String... previousHex) {
        return load(currentHex, String.join(",", previousHex), null);
    }

    private static KeyRing build(String currentHex, List<String> previousHex, List<String> secrets) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        byte[] currentBytes = HEX.parseHex(currentHex.toLowerCase());
        String currentVersion = versionOf(currentBytes);
        keys.put(currentVersion, new SecretKeySpec(currentBytes, "AES"));
        for (String hex : previousHex) {
            byte[] bytes = HEX.parseHex(hex.toLowerCase());
            String version = versionOf(bytes);
            SecretKey existing = keys.get(version);
            if (existing == null) {
                keys.put(version, new SecretKeySpec(bytes, "AES"));
            } else if (!MessageDigest.isEqual(existing.getEncoded(), bytes)) {
                // 32-bit ids: practically impossible, but never decrypt with the wrong key silently
                throw new IllegalArgumentException("ENCRYPTION_KEYS_PREVIOUS: two different keys share the version id "
                        + version + "; drop one of them");
            }
        }
        return new KeyRing(currentVersion, keys, secrets);
    }

    /**
     * The version id of a key: the first 8 hex characters of
     * SHA-256("camel-assistant/key-version/" || key). Identifies the key without revealing it.
     */
    public static String versionOf(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(VERSION_PREFIX);
            sha.update(key);
            return HEX.formatHex(sha.digest()).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A new random key: 64 lowercase hex characters (32 bytes from SecureRandom). */
    public static String generateHex() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return HEX.formatHex(key);
    }

    public String currentVersion() {
        return currentVersion;
    }

    SecretKey currentKey() {
        return keys.get(currentVersion);
    }

    public Optional<SecretKey> key(String version) {
        return version == null ? Optional.empty() : Optional.ofNullable(keys.get(version));
    }

    /** Every version id this ring can decrypt, the current one first. */
    public List<String> versions() {
        return List.copyOf(keys.keySet());
    }

    /** The hex strings of every key (as configured and lowercase), to register with LogMasker. */
    public List<String> secretsForMasking() {
        return secrets;
    }

    @Override
    public String toString() {
        return "KeyRing[current=" + currentVersion + ", versions=" + keys.keySet() + "]";
    }

    private static void addSecret(List<String> secrets, String hex) {
        for (String s : List.of(hex, hex.toLowerCase(), hex.toUpperCase())) {
            if (!secrets.contains(s)) {
                secrets.add(s);
            }
        }
    }

    private static String loadOrCreateKeyFile(Path dataDir) {
        Path file = dataDir.resolve(KEY_FILE).toAbsolutePath();
        try {
            if (Files.exists(file)) {
                String hex = readKeyFile(file);
                LOG.info("ENCRYPTION_KEY is not set: using the key in {}", file);
                return hex;
            }
            Files.createDirectories(file.getParent());
            String hex = generateHex();
            if (!OwnerOnlyFiles.createExclusively(file, hex + "\n")) {
                // another process created it first: use theirs
                return readKeyFile(file);
            }
            LOG.warn("ENCRYPTION_KEY is not set: generated a new encryption key in {} (owner-only permissions). "
                     + "Back this file up: without it the stored credentials cannot be decrypted. "
                     + "In production set ENCRYPTION_KEY instead (java -jar camel-assistant.jar keygen).", file);
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key file " + file + " ("
                                           + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String readKeyFile(Path file) throws IOException {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!HEX_KEY.matcher(hex).matches()) {
            throw new IllegalArgumentException("ENCRYPTION_KEY: is not set and the key file " + file
                    + " does not hold 64 hexadecimal characters; restore it from a backup or set ENCRYPTION_KEY");
        }
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!OwnerOnlyFiles.OWNER_ONLY.containsAll(perms)) {
                    LOG.warn("The key file {} is accessible to other users ({}); restrict it with chmod 600",
                            file, PosixFilePermissions.toString(perms));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // permissions are advisory here: the key is still usable
        }
        return hex;
    }
}
