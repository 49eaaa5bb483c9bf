package dev.camelassistant.config;

import java.nio.file.Path;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.CredentialRepository;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.logging.LogMasker;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/**
 * The encryption keys (masked in logs; not bound themselves) and the credential store. When the
 * launcher started the database ({@link DatabaseStartup}), the same keys have already passed the
 * key check ({@link dev.camelassistant.crypto.KeyCheck}) against it.
 */
public class CryptoConfiguration extends FeatureConfiguration {

    @PropertyInject("crypto.encryption-key")
    String encryptionKey;
    @PropertyInject("crypto.previous-keys")
    String previousKeys;
    @PropertyInject("app.data-dir")
    String dataDir;
    @BeanInject("dataSource")
    DataSource dataSource;
    @BeanInject("auditTrail")
    AuditRecorder auditRecorder;

    @BindToRegistry("credentialCipher")
    public CredentialCipher credentialCipher() {
        KeyRing keyRing = KeyRing.load(encryptionKey, previousKeys, Path.of(dataDir));
        keyRing.secretsForMasking().forEach(LogMasker::registerSecret);
        return new CredentialCipher(keyRing);
    }

    @BindToRegistry("credentialRepository")
    public CredentialRepository credentialRepository(CredentialCipher cipher) {
        return new CredentialRepository(dataSource, cipher, auditRecorder);
    }
}
