package dev.camelassistant.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The AES-256 test cases 13 to 16 of McGrew &amp; Viega, "The Galois/Counter Mode of Operation
 * (GCM)" (revised 2005), run through the exact JDK cipher the vault uses ({@link CredentialCipher#seal}):
 * the JDK's output is ciphertext || tag, the tag being its last 16 bytes.
 */
class GcmTestVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final String ZERO_KEY = "0000000000000000000000000000000000000000000000000000000000000000";
    private static final String KEY_15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private static final String IV_15 = "cafebabefacedbaddecaf888";
    private static final String P_15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                       + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String C_15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                       + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";

    @ParameterizedTest(name = "test case {0}")
    @CsvSource({
            // case, K, IV, P, A, C, T
            "13, " + ZERO_KEY + ", 000000000000000000000000, '', '', '', 530f8afbc74536b9a963b4f1c4cb738b",
            "14, " + ZERO_KEY + ", 000000000000000000000000, 00000000000000000000000000000000, '', "
            + "cea7403d4d606b6e074ec5d3baf39d18, d0d1c8a799996bf0265b98b5d48ab919",
            "15, " + KEY_15 + ", " + IV_15 + ", " + P_15 + ", '', " + C_15 + ", b094dac5d93471bdec1a502270e3cc6c",
            "16, " + KEY_15 + ", " + IV_15 + ", "
            + "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39, "
            + "feedfacedeadbeeffeedfacedeadbeefabaddad2, "
            + "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662, "
            + "76fc6ece0f4e1768cddf8853bb2d551b",
    })
    void jdkAesGcmMatchesThePublishedVectors(int testCase, String k, String iv, String p, String a, String c, String t)
            throws Exception {
        var key = new SecretKeySpec(HEX.parseHex(k), "AES");
        byte[] out = CredentialCipher.seal(key, HEX.parseHex(iv), HEX.parseHex(p), HEX.parseHex(a));

        assertThat(out).hasSize(p.length() / 2 + 16);
        byte[] ciphertext = Arrays.copyOfRange(out, 0, out.length - 16);
        byte[] tag = Arrays.copyOfRange(out, out.length - 16, out.length);
        assertThat(HEX.formatHex(ciphertext)).as("ciphertext of test case %d", testCase).isEqualTo(c);
        assertThat(HEX.formatHex(tag)).as("tag of test case %d", testCase).isEqualTo(t);

        // and back, with the tag checked
        byte[] plain = CredentialCipher.open(key, HEX.parseHex(iv), out, HEX.parseHex(a));
        assertThat(HEX.formatHex(plain)).isEqualTo(p);

        byte[] badTag = out.clone();
        badTag[badTag.length - 1] ^= 0x01;
        assertThatThrownBy(() -> CredentialCipher.open(key, HEX.parseHex(iv), badTag, HEX.parseHex(a)))
                .isInstanceOf(AEADBadTagException.class);
    }
}
