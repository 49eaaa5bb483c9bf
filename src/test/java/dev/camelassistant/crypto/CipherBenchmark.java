package dev.camelassistant.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Locale;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.support.TestDatabases;

/**
 * Not a unit test: prints encrypt+decrypt throughput for 100-byte values and the time
 * {@link KeyRotation#rotate()} takes for 10,000 credentials, one line each.
 * <pre>
 * # the test classpath (maven-dependency-plugin cannot resolve offline here, so take it from -X):
 * mvn -o -X -B test-compile | grep -m1 '(f) testPath = ' | sed 's/.*(f) testPath = \[//; s/\]$//; s/, /:/g' &gt; target/cp.txt
 * TEST_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/postgres LOG_LEVEL=WARN \
 *   java -cp "$(cat target/cp.txt)" dev.camelassistant.crypto.CipherBenchmark
 * </pre>
 */
public final class CipherBenchmark {

    private static final String KEY_A = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final String KEY_B = "f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100";

    private CipherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        cipherThroughput();
        rotation(10_000);
    }

    private static void cipherThroughput() {
        CredentialCipher cipher = new CredentialCipher(KeyRing.of(KEY_A));
        String value = "v".repeat(100);
        long sink = 0;
        // warm-up: let the JIT compile the AES-GCM intrinsics path
        for (int i = 0; i < 200_000; i++) {
            sink += cipher.decrypt(cipher.encrypt(value, "bench.name"), "bench.name").length();
        }
        long ops = 0;
        long start = System.nanoTime();
        long deadline = start + 3_000_000_000L;
        long now;
        do {
            for (int i = 0; i < 1_000; i++) {
                sink += cipher.decrypt(cipher.encrypt(value, "bench.name"), "bench.name").length();
            }
            ops += 1_000;
            now = System.nanoTime();
        } while (now < deadline);
        double perSecond = ops / ((now - start) / 1e9);
        System.out.printf(Locale.ROOT, "encrypt+decrypt, 100-byte values, 1 thread: %,.0f ops/s (%.2f µs per pair; %d)%n",
                perSecond, 1e6 / perSecond, sink % 10);
    }

    private static void rotation(int rows) throws Exception {
        try (TestDatabases db = TestDatabases.create()) {
            CredentialCipher underA = new CredentialCipher(KeyRing.of(KEY_A));
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "INSERT INTO credentials (name, ciphertext, iv, tag, key_version) VALUES (?, ?, ?, ?, ?)")) {
                c.setAutoCommit(false);
                for (int i = 0; i < rows; i++) {
                    String name = "bench." + i;
                    EncryptedPayload p = underA.encrypt("value-" + i + "-" + "x".repeat(80), name);
                    ps.setString(1, name);
                    ps.setString(2, p.ciphertext());
                    ps.setString(3, p.iv());
                    ps.setString(4, p.tag());
                    ps.setString(5, p.keyVersion());
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
                c.commit();
                c.setAutoCommit(true);
            }
            KeyRotation rotation = new KeyRotation(db.dataSource(), new CredentialCipher(KeyRing.of(KEY_B, KEY_A)),
                    AuditRecorder.NONE);
            long start = System.nanoTime();
            int moved = rotation.rotate().moved();
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(Locale.ROOT, "rotate %,d rows (batches of " + KeyRotation.BATCH + "): %d ms (%,.0f rows/s), %s%n",
                    moved, ms, moved / (ms / 1000.0), db.url() != null ? "PostgreSQL at TEST_DATABASE_URL" : "embedded PostgreSQL");
        }
    }
}
