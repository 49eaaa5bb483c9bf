package dev.camelassistant.config;

import java.time.Clock;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.memory.MemoryCommands;
import dev.camelassistant.memory.MemoryNotes;
import dev.camelassistant.memory.MemoryStore;
import dev.camelassistant.memory.MemoryTools;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** The chats' long-term notes (routes/memory.camel.yaml): the tools save_memory and delete_memory, /memory and /forget. */
public class MemoryConfiguration extends FeatureConfiguration {

    @PropertyInject("memory.max-tokens")
    int maxTokens;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("audit")
    AuditEvents audit;

    /**
     * Its own small pool with a short connection timeout: every Claude request reads the notes
     * (from memory after the first time), and none waits long on a database that is away.
     */
    @BindToRegistry("memoryNotes")
    public MemoryNotes memoryNotes() {
        return new MemoryNotes(new MemoryStore(database.fastFailPool("memory", 2, 1000, Database.Commits.DURABLE), cipher),
                maxTokens);
    }

    @BindToRegistry("memoryTools")
    public MemoryTools memoryTools(MemoryNotes notes) {
        return new MemoryTools(notes, audit);
    }

    @BindToRegistry("memoryCommands")
    public MemoryCommands memoryCommands(MemoryNotes notes) {
        return new MemoryCommands(notes, audit, Clock.systemUTC());
    }
}
