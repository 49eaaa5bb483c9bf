package dev.camelassistant.retries;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.usage.Tokens;
import dev.camelassistant.usage.UsageLedger;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budget when the retry is due (its own context: a friend's daily limit of 100 tokens): a chat that
 * reached its limit since it was told "unavailable" gets the "back" line with the budget's reason, and
 * its question does not go to Claude; the owner (no daily limit) proves Claude is back.
 */
class ClaudeRetryBudgetRouteTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.chat-interval-ms", "0");
        p.put("usage.chat-daily-token-limit", "100");
    }

    private List<String> shown(long chat, int atLeast) {
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() >= atLeast);
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    private long requestsWith(String text) throws Exception {
        long n = 0;
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).equals(text)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aChatOverItsDailyLimitWhenTheRetryIsDueGetsTheBackLineWithTheBudgetsReason() throws Exception {
        claude.reset();
        claude.fails(529, "overloaded_error", null);
        telegram.sendText(FRIEND_CHAT, "Summarise the news, please");
        assertThat(shown(FRIEND_CHAT, 1).get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM claude_retries WHERE state = 'pending'"
                                                                  + " AND chat_id = " + FRIEND_CHAT) == 1);
        // the friend used its day's tokens meanwhile (as other answers would have)
        context.getRegistry().lookupByNameAndType("usageLedger", UsageLedger.class)
                .record(FRIEND_CHAT, FakeClaude.MODEL, new Tokens(60, 60, 0, 0));

        claude.server().resetMappings();
        claude.modelKnown();
        claude.echoes(0);
        telegram.sendText(ADMIN_CHAT, "ping");

        List<String> shown = shown(FRIEND_CHAT, 2);
        assertThat(shown.get(1)).startsWith(ClaudeRetries.BACK_BUT_BUDGET.strip())
                .contains("You've reached today's limit of 100 tokens");
        await().atMost(Duration.ofSeconds(10)).until(() -> shown(ADMIN_CHAT, 1).contains("echo: ping"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> telegram.sentTo(FRIEND_CHAT).size() == 2);
        assertThat(requestsWith("Summarise the news, please")).as("only the 529").isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + FRIEND_CHAT + " AND state = 'cancelled'"
                            + " AND close_reason = 'budget' AND payload IS NULL")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'claude_retry_cancelled'"
                + " AND metadata->>'reason' = 'budget' AND metadata->>'chatId' = '" + FRIEND_CHAT + "'") == 1);
    }
}
