package dev.camelassistant.config;

import java.time.Clock;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.conversation.ConversationRetention;
import dev.camelassistant.conversation.ConversationStore;
import dev.camelassistant.conversation.Conversations;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.ClaudeErrors;
import dev.camelassistant.llm.ClaudeHeaderFilter;
import dev.camelassistant.llm.ClaudeStream;
import dev.camelassistant.llm.WebTools;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** Claude (routes/claude.camel.yaml) and the conversations whose earlier turns it is sent. */
public class ClaudeConfiguration extends FeatureConfiguration {

    @PropertyInject("claude.api-key")
    String apiKey;
    @PropertyInject("claude.model")
    String model;
    @PropertyInject("claude.max-tokens")
    int maxTokens;
    @PropertyInject("claude.system-prompt")
    String systemPrompt;
    @PropertyInject("claude.streaming")
    boolean streaming;
    @PropertyInject("web.search")
    boolean webSearch;
    @PropertyInject("web.search-max-uses")
    int webSearchMaxUses;
    // empty: no list
    @PropertyInject("web.allowed-domains")
    String webAllowedDomains;
    @PropertyInject("web.blocked-domains")
    String webBlockedDomains;
    @PropertyInject("conversation.max-input-tokens")
    int maxInputTokens;
    @PropertyInject("conversation.retention-days")
    int retentionDays;
    @PropertyInject("conversation.cleanup-batch-size")
    int cleanupBatchSize;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("botMetrics")
    BotMetrics metrics;
    @BeanInject("audit")
    AuditEvents audit;
    @BeanInject("auditTrail")
    AuditRecorder auditRecorder;

    @BindToRegistry("claudeClient")
    public ClaudeClient claudeClient() {
        ClaudeClient client = new ClaudeClient(apiKey, model, maxTokens, systemPrompt, audit, metrics, streaming);
        client.useWebTools(WebTools.of(webSearch, model, webSearchMaxUses, Settings.splitList(webAllowedDomains),
                Settings.splitList(webBlockedDomains)));
        return client;
    }

    @BindToRegistry("claudeStream")
    public ClaudeStream claudeStream(ClaudeClient client) {
        return new ClaudeStream(client);
    }

    @BindToRegistry("claudeErrors")
    public ClaudeErrors claudeErrors() {
        return new ClaudeErrors(model, audit, metrics);
    }

    @BindToRegistry("claudeHeaderFilter")
    public ClaudeHeaderFilter claudeHeaderFilter() {
        return new ClaudeHeaderFilter();
    }

    /** Its own small pool with a short connection timeout: no reply waits long on a database that is away. */
    @BindToRegistry("conversations")
    public Conversations conversations(ClaudeClient client) {
        return new Conversations(new ConversationStore(database.fastFailPool("conversations", 4, 1000, Database.Commits.ASYNCHRONOUS), cipher),
                maxInputTokens, client.systemPrompt());
    }

    @BindToRegistry("conversationRetention")
    public ConversationRetention conversationRetention() {
        return new ConversationRetention(auditRecorder, retentionDays, cleanupBatchSize, Clock.systemUTC());
    }
}
