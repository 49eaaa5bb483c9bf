package dev.camelassistant.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialCipherTest {

    static final String KEY_A = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String KEY_B = "f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100";

    private final CredentialCipher cipher = new CredentialCipher(KeyRing.of(KEY_A));

    @ParameterizedTest
    @ValueSource(strings = {"", "hunter2", "päßwörd ✓ 🔑🐪 密码 パスワード 비밀번호", "line1\nline2\r\n\u0000tail"})
    void aValueDecryptsBackUnderTheNameItWasEncryptedWith(String value) {
        EncryptedPayload p = cipher.encrypt(value, "some.name");
        assertThat(cipher.decrypt(p, "some.name")).isEqualTo(value);
        assertThat(p.keyVersion()).isEqualTo(KeyRing.of(KEY_A).currentVersion());
        assertThat(Base64.getDecoder().decode(p.iv())).hasSize(12);
        assertThat(Base64.getDecoder().decode(p.tag())).hasSize(16);
        assertThat(Base64.getDecoder().decode(p.ciphertext())).hasSize(value.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void roundTripsSixtyFourKibibytes() {
        String value = "🐪".repeat(CredentialRepository.MAX_VALUE_BYTES / 4); // 4 bytes each: exactly 64 KiB
        assertThat(value.getBytes(StandardCharsets.UTF_8)).hasSize(64 * 1024);
        EncryptedPayload p = cipher.encrypt(value, "big");
        assertThat(cipher.decrypt(p, "big")).isEqualTo(value);
    }

    @Test
    void tenThousandEncryptionsOfOneValueHaveDistinctIvsAndCiphertexts() {
        Set<String> ivs = new HashSet<>();
        Set<String> ciphertexts = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            EncryptedPayload p = cipher.encrypt("the same value every time", "n");
            ivs.add(p.iv());
            ciphertexts.add(p.ciphertext());
        }
        assertThat(ivs).hasSize(10_000);
        assertThat(ciphertexts).hasSize(10_000);
    }

    @Test
    void eightThreadsEncryptingAtOnceDecryptTheirOwnValuesWithDistinctIvs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> ivs = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String value = "value-" + thread + "-" + i;
                        EncryptedPayload p = cipher.encrypt(value, "name-" + thread);
                        ivs.add(p.iv());
                        assertThat(cipher.decrypt(p, "name-" + thread)).isEqualTo(value);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ivs).hasSize(8 * 500);
    }

    @Test
    void oneFlippedBitInCiphertextIvOrTagFailsAuthentication() {
        EncryptedPayload p = cipher.encrypt("correct horse battery staple", "db.password");
        List<UnaryOperator<EncryptedPayload>> tamperings = List.of(
                q -> new EncryptedPayload(flipBit(q.ciphertext(), 0), q.iv(), q.tag(), q.keyVersion()),
                q -> new EncryptedPayload(flipBit(q.ciphertext(), 8 * 27 + 7), q.iv(), q.tag(), q.keyVersion()),
                q -> new EncryptedPayload(q.ciphertext(), flipBit(q.iv(), 0), q.tag(), q.keyVersion()),
                q -> new EncryptedPayload(q.ciphertext(), flipBit(q.iv(), 95), q.tag(), q.keyVersion()),
                q -> new EncryptedPayload(q.ciphertext(), q.iv(), flipBit(q.tag(), 0), q.keyVersion()),
                q -> new EncryptedPayload(q.ciphertext(), q.iv(), flipBit(q.tag(), 127), q.keyVersion()));
        for (UnaryOperator<EncryptedPayload> tamper : tamperings) {
            EncryptedPayload bad = tamper.apply(p);
            assertThat(bad).isNotEqualTo(p);
            assertThatThrownBy(() -> cipher.decrypt(bad, "db.password"))
                    .isInstanceOf(CredentialAuthenticationException.class)
                    .hasMessageContaining("'db.password'")
                    .hasMessageContaining("could not be authenticated")
                    .hasMessageNotContaining("correct horse")
                    .hasMessageNotContaining(KEY_A);
        }
        assertThat(cipher.decrypt(p, "db.password")).isEqualTo("correct horse battery staple");
    }

    @Test
    void flippingAnyBitOfTheTagFailsAuthentication() {
        EncryptedPayload p = cipher.encrypt("v", "n");
        assertThat(cipher.decrypt(p, "n")).isEqualTo("v");
        for (int bit = 0; bit < 128; bit++) {
            EncryptedPayload bad = new EncryptedPayload(p.ciphertext(), p.iv(), flipBit(p.tag(), bit), p.keyVersion());
            assertThatThrownBy(() -> cipher.decrypt(bad, "n")).isInstanceOf(CredentialAuthenticationException.class);
        }
    }

    @Test
    void decryptingUnderAnotherNameFailsAuthentication() {
        EncryptedPayload p = cipher.encrypt("secret", "github.token");
        assertThat(cipher.decrypt(p, "github.token")).isEqualTo("secret");
        assertThatThrownBy(() -> cipher.decrypt(p, "gitlab.token"))
                .isInstanceOf(CredentialAuthenticationException.class)
                .hasMessage("credential 'gitlab.token' could not be authenticated: wrong key, wrong name or tampered data");
        // the separator keeps name/version boundaries unambiguous
        assertThatThrownBy(() -> cipher.decrypt(p, "github.token\u0000"))
                .isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void aPayloadOfAnotherKeyFailsAuthentication() {
        EncryptedPayload p = cipher.encrypt("secret", "n");
        assertThat(cipher.decrypt(p, "n")).isEqualTo("secret");
        CredentialCipher other = new CredentialCipher(KeyRing.of(KEY_B));
        // the other ring does not know A's version at all
        assertThatThrownBy(() -> other.decrypt(p, "n"))
                .isInstanceOf(CredentialAuthenticationException.class)
                .hasMessageContaining("'n' could not be authenticated")
                .hasMessageContaining("key version " + p.keyVersion())
                .hasMessageNotContaining(KEY_A).hasMessageNotContaining(KEY_B);
        // relabelled with B's version: B's key is used and the tag does not match
        EncryptedPayload relabelled = new EncryptedPayload(p.ciphertext(), p.iv(), p.tag(),
                KeyRing.of(KEY_B).currentVersion());
        assertThatThrownBy(() -> other.decrypt(relabelled, "n")).isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void previousKeysStillDecryptButNewEncryptionsUseTheCurrentKey() {
        EncryptedPayload underA = cipher.encrypt("old", "n");
        CredentialCipher rotated = new CredentialCipher(KeyRing.of(KEY_B, KEY_A));
        assertThat(rotated.decrypt(underA, "n")).isEqualTo("old");
        EncryptedPayload underB = rotated.encrypt("new", "n");
        assertThat(underB.keyVersion()).isEqualTo(KeyRing.of(KEY_B).currentVersion()).isNotEqualTo(underA.keyVersion());
        assertThatThrownBy(() -> cipher.decrypt(underB, "n")).isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void malformedBase64AndWrongLengthsFailAuthentication() {
        EncryptedPayload p = cipher.encrypt("secret", "n");
        List<EncryptedPayload> bad = List.of(
                new EncryptedPayload("not base64!", p.iv(), p.tag(), p.keyVersion()),
                new EncryptedPayload(p.ciphertext(), "%%%", p.tag(), p.keyVersion()),
                new EncryptedPayload(p.ciphertext(), p.iv(), "@@", p.keyVersion()),
                new EncryptedPayload(p.ciphertext(), Base64.getEncoder().encodeToString(new byte[16]), p.tag(), p.keyVersion()),
                new EncryptedPayload(p.ciphertext(), p.iv(), Base64.getEncoder().encodeToString(new byte[12]), p.keyVersion()),
                new EncryptedPayload(null, p.iv(), p.tag(), p.keyVersion()),
                new EncryptedPayload(p.ciphertext(), p.iv(), p.tag(), null));
        for (EncryptedPayload b : bad) {
            assertThatThrownBy(() -> cipher.decrypt(b, "n")).isInstanceOf(CredentialAuthenticationException.class);
        }
    }

    @Test
    void theAssociatedDataIsNameNulKeyVersion() {
        assertThat(CredentialCipher.aad("a.b", "cc2938c5"))
                .isEqualTo("a.b\u0000cc2938c5".getBytes(StandardCharsets.UTF_8));
    }

    /** Flips one bit (0 = most significant bit of the first byte) of base64 data. */
    static String flipBit(String base64, int bit) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return Base64.getEncoder().encodeToString(bytes);
    }
}
