package dev.camelassistant.telegram;

import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replies sent (TelegramSender) and messages pending (TelegramInbox) in the metrics. */
class TelegramMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "claude-sonnet-4-6");
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void closeContext() {
        context.stop();
    }

    private double repliesSent() {
        return registry.get(BotMetrics.REPLIES_SENT).counter().count();
    }

    /** A mock endpoint leaves the body alone, so the body stands for Telegram's answer. */
    private Exchange answeredBy(boolean ok) {
        MessageResult result = new MessageResult();
        result.setOk(ok);
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(result);
        return exchange;
    }

    @Test
    void onlyAMessageTelegramConfirmedCountsAsSent() throws Exception {
        context.start();
        try (TelegramSender sender = new TelegramSender(context, metrics, "mock:telegram")) {
            sender.send(answeredBy(true), 0);
            assertThat(repliesSent()).isEqualTo(1);

            assertThatThrownBy(() -> sender.send(answeredBy(false), 0))
                    .isInstanceOf(TelegramSender.TelegramSendException.class);
            assertThat(repliesSent()).isEqualTo(1);
        }
    }

    @Test
    void eachLaneSendsThroughAnEndpointInstanceOfItsOwnThatTheContextNeverHandsOut() throws Exception {
        context.start();
        try (TelegramSender sender = new TelegramSender(context, metrics, "mock:telegram")) {
            sender.send(answeredBy(true), 0);
            sender.send(answeredBy(true), 1);
            sender.send(answeredBy(true), 0);
            assertThat(sender.endpointOf(0)).isNotNull().isNotSameAs(sender.endpointOf(1));
            assertThat(context.getEndpoints()).doesNotContain(sender.endpointOf(0), sender.endpointOf(1));
            assertThat(repliesSent()).isEqualTo(3);
        }
    }

    @Test
    void aMessageIsPendingFromItsClaimUntilItIsAnswered() {
        // the database is away: the inbox keeps its records in memory, which is all this test needs
        DataSource down = unreachableDatabase();
        TelegramInbox inbox = new TelegramInbox(down,
                new CredentialCipher(KeyRing.of("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")), 10_000, metrics);
        metrics.watchInbox(inbox, TelegramInbox::pending);

        Exchange first = message("2002", 7);
        inbox.claim(first);
        inbox.claim(message("2002", 7)); // Telegram delivers it again
        inbox.claim(message("2002", 8));
        assertThat(registry.get(BotMetrics.INBOX_PENDING).gauge().value()).isEqualTo(2);

        inbox.markAnswered(message("3003", 7)); // another chat's message 7
        assertThat(inbox.pending()).isEqualTo(2);
        inbox.markAnswered(first);
        assertThat(registry.get(BotMetrics.INBOX_PENDING).gauge().value()).isEqualTo(1);
    }

    @Test
    void recordsBeyondTheMemoryLimitAreRefusedAndCountedWhileTheDatabaseIsAway() {
        DataSource down = unreachableDatabase();
        TelegramInbox inbox = new TelegramInbox(down,
                new CredentialCipher(KeyRing.of("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")), 2, metrics);

        inbox.claim(message("2002", 1));
        inbox.claim(message("2002", 2));
        assertThat(inbox.unsavedCount()).isEqualTo(2);
        assertThat(registry.get(BotMetrics.INBOX_REFUSED).counter().count()).isZero();

        inbox.claim(message("2002", 3));
        assertThat(inbox.unsavedCount()).isEqualTo(2);
        assertThat(registry.get(BotMetrics.INBOX_REFUSED).counter().count()).isEqualTo(1);
    }

    /** A database that refuses every connection, as an unreachable server does. */
    private static DataSource unreachableDatabase() {
        return (DataSource) Proxy.newProxyInstance(TelegramMetricsTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new SQLTransientConnectionException("down", "08001");
                });
    }

    private Exchange message(String chat, long messageId) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Headers.CHAT_ID, chat);
        exchange.getMessage().setHeader(Headers.USER_ID, chat);
        exchange.getMessage().setHeader(Headers.MESSAGE_ID, messageId);
        exchange.getMessage().setBody("hello");
        return exchange;
    }
}
