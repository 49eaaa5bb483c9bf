package dev.camelassistant.telegram;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The inbox's stored text of a message still waiting can be replaced (an edit), so a resume after a crash uses it. */
class TelegramInboxTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    private static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicLong CHATS = new AtomicLong(600_000);

    private final BotMetrics metrics = new BotMetrics(new SimpleMeterRegistry(), "m");
    private final AtomicBoolean databaseDown = new AtomicBoolean();

    @Test
    void theEditedTextOfAWaitingMessageIsStoredEncryptedAndIsWhatAResumeSends() throws Exception {
        long chat = CHATS.incrementAndGet();
        TelegramInbox inbox = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        inbox.claim(message(chat, 1, "what is the capitol of France"));
        inbox.claim(message(chat, 2, "and of Spain"));
        inbox.claim(message(chat, 3, "answered already"));
        try (Connection c = DB.dataSource().getConnection()) {
            inbox.markAnsweredIn(c, chat, List.of(3L));
        }

        assertThat(inbox.unsavedCount()).as("written to the database, not kept in memory").isZero();
        assertThat(inbox.replaceText(chat, 1, "what is the capital of France")).isTrue();
        assertThat(inbox.replaceText(chat, 3, "an edit of an answered message")).as("answered: nothing to change").isFalse();
        assertThat(inbox.replaceText(chat, 99, "unknown")).isFalse();
        assertThat(inbox.replaceText(chat + 1, 2, "another chat's message 2")).isFalse();
        assertThat(Sql.count(DB.dataSource(), "SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat
                + " AND payload LIKE '%capital%'")).as("stored encrypted").isZero();

        // a crash: the next start resumes the unanswered messages, the edited one with its new text
        Thread.sleep(5);
        TelegramInbox next = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        assertThat(next.unansweredFromBeforeStart().stream().filter(m -> m.get("chatId").equals(String.valueOf(chat)))
                .map(m -> m.get("messageId") + ":" + m.get("text")))
                .containsExactly("1:what is the capital of France", "2:and of Spain");
    }

    @Test
    void whileTheDatabaseIsAwayTheRecordKeptInMemoryIsEditedAndWrittenWithTheNewText() throws Exception {
        long chat = CHATS.incrementAndGet();
        TelegramInbox inbox = new TelegramInbox(switchable(DB.dataSource()), CIPHER, 100, metrics);
        databaseDown.set(true);
        inbox.claim(message(chat, 1, "teh typo"));
        assertThat(inbox.unsavedCount()).isEqualTo(1);
        assertThat(inbox.replaceText(chat, 1, "the typo fixed")).isTrue();
        assertThat(inbox.replaceText(chat, 2, "never received")).isFalse();

        databaseDown.set(false);
        // the database pause ends after its retry interval: flush until the record is written
        long deadline = System.currentTimeMillis() + 30_000;
        while (inbox.unsavedCount() > 0 && System.currentTimeMillis() < deadline) {
            inbox.flush();
            Thread.sleep(50);
        }
        assertThat(inbox.unsavedCount()).isZero();
        Thread.sleep(5);
        TelegramInbox next = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        assertThat(next.unansweredFromBeforeStart().stream().filter(m -> m.get("chatId").equals(String.valueOf(chat)))
                .map(m -> (String) m.get("text"))).containsExactly("the typo fixed");
    }

    private static Exchange message(long chat, long messageId, String text) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        exchange.getMessage().setHeader(Headers.USER_ID, String.valueOf(chat));
        exchange.getMessage().setHeader(Headers.MESSAGE_ID, messageId);
        exchange.getMessage().setHeader(CorrelationId.HEADER, "c-" + chat + "-" + messageId);
        exchange.getMessage().setBody(text);
        return exchange;
    }

    private DataSource switchable(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && databaseDown.get()) {
                        throw new SQLTransientConnectionException("down", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
