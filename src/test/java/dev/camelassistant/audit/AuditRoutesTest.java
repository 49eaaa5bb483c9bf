package dev.camelassistant.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.crypto.CredentialRepository;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.quartz.CronTrigger;
import org.quartz.TriggerKey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.camelassistant.support.Sql.count;
import static dev.camelassistant.audit.AuditTestSupport.execute;
import static dev.camelassistant.audit.AuditTestSupport.strings;
import static org.apache.camel.builder.Builder.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit trail inside the whole application (application.properties, every YAML route,
 * AppConfiguration) with the real camel-telegram, camel-http and camel-sql against fakes and a real
 * PostgreSQL database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditRoutesTest extends BotRouteTestSupport {

    private static final String CRON = "0 15 4 ? * MON-FRI";
    private static final long REFUSED_SEND_FAILS = 7777;

    private FakeClaude claude;
    private long nextChat = 60_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            allowed.add(String.valueOf(60_000 + i));
        }
        allowed.add(String.valueOf(FRIEND_CHAT));
        p.put("telegram.allowed-chat-ids", String.join(",", allowed));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
        p.put("audit.cleanup-cron", CRON);
        p.put("audit.batch-timeout-ms", "100");
    }


    private AuditQuery query() {
        return new AuditQuery(db.dataSource());
    }

    private AuditTrail trail() {
        return context.getRegistry().lookupByNameAndType("auditTrail", AuditTrail.class);
    }

    private long rows(String where) {
        return count(db.dataSource(), "SELECT count(*) FROM audit_trail WHERE " + where);
    }

    private String correlationOf(String action, long chat) {
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("action = '" + action + "' AND metadata->>'chatId' = '" + chat + "'") == 1);
        return strings(db.dataSource(), "SELECT correlation_id FROM audit_trail WHERE action = '" + action
                                        + "' AND metadata->>'chatId' = '" + chat + "'").get(0);
    }

    private static List<String> actions(List<AuditEntry> entries) {
        return entries.stream().map(AuditEntry::action).toList();
    }

    /** Every column of every row, as text: what must not contain message texts or secrets. */
    private List<String> wholeTable() {
        return strings(db.dataSource(), "SELECT concat_ws('|', correlation_id, user_id, action, source, model, metadata::text,"
                                        + " status, error_message) FROM audit_trail");
    }

    @Test
    @Order(1)
    void theEntriesOfOneMessageShareItsCorrelationIdAndComeBackInOrderWithoutItsText() {
        long chat = nextChat++;
        claude.answers("The answer is forty-two, said the model.", 0);
        telegram.sendText(chat, "what is the meaning of life?");
        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(chat).isEmpty());

        String id = correlationOf("message_received", chat);
        await().atMost(Duration.ofSeconds(10)).until(() -> query().entries(id).size() >= 2);
        List<AuditEntry> entries = query().entries(id);
        assertThat(actions(entries)).containsExactly("message_received", "llm_request");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.correlationId()).isEqualTo(id);
            assertThat(e.userId()).isEqualTo(String.valueOf(chat));
            assertThat(e.source()).isEqualTo("telegram");
            assertThat(e.status()).isEqualTo(AuditEntry.Status.SUCCESS);
        });
        assertThat(entries.get(0).createdAt()).isBeforeOrEqualTo(entries.get(1).createdAt());
        assertThat(entries.get(0).metadata()).containsEntry("textLength", "what is the meaning of life?".length());
        assertThat(entries.get(1).model()).isEqualTo(FakeClaude.MODEL);
        assertThat(entries.get(1).metadata()).containsKeys("inputTokens", "outputTokens", "stopReason", "latencyMs");
        assertThat(wholeTable()).noneMatch(r -> r.contains("meaning of life") || r.contains("forty-two"));
    }

    @Test
    @Order(2)
    void aFailedClaudeCallIsRecordedWithTheAlertUnderTheReferenceTheUserSees() {
        long chat = nextChat++;
        claude.reset();
        claude.fails(529, "overloaded_error", null);
        telegram.sendText(chat, "are you there?");
        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(chat).isEmpty());
        String reply = telegram.sentTo(chat).get(0).text();
        String reference = reply.substring(reply.lastIndexOf("Reference: ") + "Reference: ".length()).strip();

        // the user was told Claude is unavailable: the promise to answer later is recorded under the same reference
        await().atMost(Duration.ofSeconds(10)).until(() -> query().entries(reference).size() >= 4);
        List<AuditEntry> entries = query().entries(reference);
        assertThat(actions(entries).subList(0, 2)).containsExactly("message_received", "llm_request");
        assertThat(actions(entries).subList(2, 4)).containsExactlyInAnyOrder("alert_sent", "claude_retry_promised");
        AuditEntry llm = entries.get(1);
        assertThat(llm.status()).isEqualTo(AuditEntry.Status.ERROR);
        assertThat(llm.metadata()).containsEntry("httpStatus", 529).containsEntry("errorKind", "overloaded");
        assertThat(llm.errorMessage()).isNotBlank().doesNotContain(API_KEY);
        assertThat(entries.stream().filter(e -> e.action().equals("alert_sent")).findFirst().orElseThrow().metadata())
                .containsEntry("service", "claude").containsEntry("kind", "overloaded");
        claude.reset();
    }

    @Test
    @Order(3)
    void commandsAndRefusalsAreRecordedUnderTheirOwnCorrelationIds() {
        long chat = nextChat++;
        telegram.sendText(chat, "/start");
        long stranger = 6_001;
        telegram.sendText(stranger, "let me in, here is my password hunter2");

        String commandId = correlationOf("command", chat);
        String refusedId = correlationOf("message_refused", stranger);
        assertThat(commandId).isNotEqualTo(refusedId).matches("[0-9a-f-]{36}");
        assertThat(query().entries(commandId)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("command");
            assertThat(e.metadata()).containsEntry("command", "/start");
        });
        assertThat(actions(query().entries(refusedId))).containsExactly("message_refused");
        assertThat(wholeTable()).noneMatch(r -> r.contains("hunter2"));
    }

    @Test
    @Order(4)
    void aFailureTheErrorHandlerCatchesIsRecordedWithAShortMessageWithoutSecrets() throws Exception {
        String secretUrl = "https://api.telegram.org/bot" + FakeTelegram.TOKEN + "/getFile";
        AdviceWith.adviceWith(context, "telegram-command", a -> a.weaveAddFirst()
                .filter(simple("${header.command} == '/boom'"))
                .throwException(new IllegalStateException("GET " + secretUrl + " failed\nwith key " + API_KEY + " "
                                                          + "z".repeat(1000))));
        long chat = nextChat++;
        telegram.sendText(chat, "/boom");

        String id = correlationOf("command", chat);
        await().atMost(Duration.ofSeconds(10)).until(() -> query().entries(id).size() >= 2);
        List<AuditEntry> entries = query().entries(id);
        assertThat(actions(entries)).containsExactly("command", "error");
        AuditEntry error = entries.get(1);
        assertThat(error.status()).isEqualTo(AuditEntry.Status.ERROR);
        assertThat(error.userId()).isEqualTo(String.valueOf(chat));
        assertThat(error.errorMessage()).startsWith("IllegalStateException: GET https://api.telegram.org/bot****/getFile failed")
                .doesNotContain(FakeTelegram.TOKEN).doesNotContain(API_KEY).doesNotContain("\n");
        assertThat(error.errorMessage().length()).isLessThanOrEqualTo(501);
        assertThat(wholeTable()).noneMatch(r -> r.contains(FakeTelegram.TOKEN) || r.contains(API_KEY));
        // nothing of the failure reaches the user: the chat's next command is answered, and that answer
        // is the first and only message the chat has had (a failure reply would have come before it)
        telegram.sendText(chat, "/help");
        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(chat).isEmpty());
        Thread.sleep(300);
        assertThat(telegram.sentTo(chat)).singleElement().satisfies(m -> assertThat(m.text()).startsWith("Commands:"));
    }

    /**
     * camel-telegram completes the exchange before it throws for a non-2xx answer; the lanes call
     * the producer through TelegramSender so the failure reaches their error handler: the outbox logs it
     * (masked), records a telegram_send_failed entry under the update's correlation id, and tries again.
     */
    @Test
    @Order(5)
    void aFailedTelegramSendIsRecordedAsAnErrorOfItsUpdate() {
        telegram.server().stubFor(post(urlPathMatching("/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(String.valueOf(REFUSED_SEND_FAILS)))).atPriority(1)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}")));
        telegram.sendText(REFUSED_SEND_FAILS, "hello?");

        String id = correlationOf("message_refused", REFUSED_SEND_FAILS);
        await().atMost(Duration.ofSeconds(10)).until(() -> query().entries(id).size() >= 2);
        List<AuditEntry> entries = query().entries(id);
        assertThat(actions(entries).subList(0, 2)).containsExactly("message_refused", "telegram_send_failed");
        assertThat(entries.get(1).errorMessage()).contains("500").doesNotContain(FakeTelegram.TOKEN);
        assertThat(entries.get(1).metadata()).containsEntry("status", 500).containsEntry("attempt", 1);
    }

    @Test
    @Order(6)
    void credentialActionsAreRecordedWithTheNameButNeverTheValue() {
        CredentialRepository credentials = context.getRegistry().lookupByNameAndType("credentialRepository",
                CredentialRepository.class);
        credentials.store("audit-test.github", "ghp_valueThatMustNeverBeStored123");
        credentials.delete("audit-test.github");

        await().atMost(Duration.ofSeconds(10)).until(() -> rows("action LIKE 'credential%'") >= 2);
        List<String> rows = strings(db.dataSource(), "SELECT action || ' ' || metadata::text FROM audit_trail"
                                                     + " WHERE action LIKE 'credential%' ORDER BY id");
        assertThat(rows).allMatch(r -> r.contains("audit-test.github"));
        assertThat(wholeTable()).noneMatch(r -> r.contains("ghp_valueThatMustNeverBeStored123"));
    }

    @Test
    @Order(7)
    void anInsertFailureDoesNotFailTheRequestAndTheEntryArrivesLater() throws Exception {
        long chat = nextChat++;
        execute(db.dataSource(), "ALTER TABLE audit_trail RENAME TO audit_trail_away");
        try {
            telegram.sendText(chat, "/help");
            await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(chat).isEmpty());
            assertThat(telegram.sentTo(chat)).extracting(FakeTelegram.Sent::text).singleElement()
                    .satisfies(t -> assertThat(t).startsWith("Commands:"));
            Thread.sleep(500);
            assertThat(count(db.dataSource(), "SELECT count(*) FROM audit_trail_away WHERE metadata->>'chatId' = '" + chat + "'"))
                    .as("not written while the table is away").isZero();
        } finally {
            execute(db.dataSource(), "ALTER TABLE audit_trail_away RENAME TO audit_trail");
        }
        correlationOf("command", chat);
        assertThat(rows("action = 'error' AND error_message LIKE '%audit_trail%'"))
                .as("an audit failure is not itself an error of the request").isZero();
    }

    @Test
    @Order(8)
    void entriesRecordedWhileTheDatabaseRefusesConnectionsAllArriveWhenItIsBack() throws Exception {
        long before = rows("true");
        List<Long> chats = new ArrayList<>();
        AuditTestSupport.refuseConnections(db);
        try {
            for (int i = 0; i < 6; i++) {
                long chat = i % 2 == 0 ? nextChat++ : 6_100 + i;
                chats.add(chat);
                telegram.sendText(chat, i % 2 == 0 ? "/help" : "hi, stranger here");
                long c = chat;
                await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(c).isEmpty());
            }
            // (one batch may be in flight, waiting for a connection)
            assertThat(trail().pending()).as("the entries wait in memory").isGreaterThanOrEqualTo(1);
        } finally {
            AuditTestSupport.acceptConnections(db);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> rows("true") >= before + 6);
        for (int i = 0; i < chats.size(); i++) {
            correlationOf(i % 2 == 0 ? "command" : "message_refused", chats.get(i));
        }
        // written in the order they were recorded
        String in = String.join(",", chats.stream().map(c -> "'" + c + "'").toList());
        List<String> order = strings(db.dataSource(), "SELECT metadata->>'chatId' FROM audit_trail WHERE metadata->>'chatId' IN ("
                                                      + in + ") ORDER BY id");
        assertThat(order).containsExactlyElementsOf(chats.stream().map(String::valueOf).toList());
    }

    @Test
    @Order(9)
    void theCleanupCronComesFromTheConfiguration() throws Exception {
        QuartzEndpoint endpoint = (QuartzEndpoint) context.getRoute("audit-cleanup").getEndpoint();
        assertThat(endpoint.getCron()).isEqualTo(CRON);
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        CronTrigger trigger = (CronTrigger) quartz.getScheduler().getTrigger(TriggerKey.triggerKey("cleanup", "audit"));
        assertThat(trigger.getCronExpression()).isEqualTo(CRON);
    }

    @Test
    @Order(100)
    void stoppingTheApplicationWritesTheEntriesStillWaiting() throws Exception {
        AuditTrail trail = trail();
        for (int i = 0; i < 300; i++) {
            trail.record(AuditEntry.success("shutdown-test", "1", "test_entry", "test", Map.of("seq", i)));
        }
        context.stop();

        List<Integer> seqs = AuditTestSupport.ints(db.dataSource(),
                "SELECT (metadata->>'seq')::int FROM audit_trail WHERE correlation_id = 'shutdown-test' ORDER BY id");
        assertThat(seqs).isEqualTo(java.util.stream.IntStream.range(0, 300).boxed().toList());
    }
}
