package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.LogCapture;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers rendered to Telegram HTML, split, and sent through the lanes and the real camel-telegram
 * producer to a fake Bot API that refuses what Telegram refuses (TelegramHtmlRules, 4,096 limit).
 */
class TelegramFormattingRouteTest extends BotRouteTestSupport {

    private static final long FIRST = 81_000;
    private FakeClaude claude;
    private long nextChat = FIRST;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        StringBuilder allowed = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            allowed.append(i == 0 ? "" : ",").append(FIRST + i);
        }
        p.put("telegram.allowed-chat-ids", allowed.toString());
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }


    /** Asks Claude (the fake answers {@code answer}) and waits for {@code parts} accepted messages. */
    private List<FakeTelegram.Sent> answered(String answer, int parts) {
        long chat = nextChat++;
        claude.answers(answer, 0);
        telegram.sendText(chat, "question");
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.acceptedTo(chat).size() >= parts);
        List<FakeTelegram.Sent> accepted = telegram.acceptedTo(chat);
        assertThat(telegram.sentTo(chat)).as("every request accepted, none refused").hasSameSizeAs(accepted);
        return accepted;
    }

    /** 4,096 UTF-16 units: Cyrillic words, then an emoji (a surrogate pair) as the last two units. */
    static String longestCyrillicPart() {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4094) {
            sb.append("привет ");
        }
        sb.setLength(4094);
        return sb.append("😀").toString();
    }

    @Test
    void theLongestCyrillicAndEmojiPartArrivesWholeInOneMessage() throws Exception {
        String part = longestCyrillicPart();
        assertThat(part).hasSize(4096);
        List<FakeTelegram.Sent> sent = answered(part, 1);
        Thread.sleep(300);
        assertThat(telegram.acceptedTo(sent.get(0).chatId())).singleElement().satisfies(s -> {
            assertThat(s.parseMode()).isEqualTo("HTML");
            assertThat(s.visible()).isEqualTo(part);
        });
    }

    @Test
    void twoLongestPartsOfCyrillicArriveInOrder() {
        String first = longestCyrillicPart();
        String second = "второй " + first.substring(7);
        List<FakeTelegram.Sent> sent = answered(first + "\n\n" + second, 2);
        assertThat(sent).extracting(FakeTelegram.Sent::visible).containsExactly(first, second);
    }

    @Test
    void aTenThousandCharacterAnswerWithACodeBlockAcrossTheBoundaryArrivesBalanced() {
        StringBuilder md = new StringBuilder();
        int n = 0;
        while (md.length() < 2_500) {
            md.append("Sentence ").append(n++).append(" explains **the code** below & why a < b. ");
            if (n % 10 == 0) {
                md.append("\n\n");
            }
        }
        md.append("\n\n```python\n");
        // longer than a part: it cannot be kept whole
        for (int i = 0; md.length() < 8_000; i++) {
            md.append("if value_").append(i).append(" < limit and flag & mask:  # <check>\n    total += ").append(i).append('\n');
        }
        md.append("```\n\n");
        while (md.length() < 10_000) {
            md.append("После кода: предложение ").append(n++).append(" с *курсивом*. ");
        }
        String answer = md.toString();
        String whole = TelegramHtml.visibleText(TelegramHtml.render(answer));

        List<FakeTelegram.Sent> parts = answered(answer, 3);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.parseMode()).isEqualTo("HTML");
            assertThat(p.visible().length()).isLessThanOrEqualTo(4096);
        });
        int opened = 0;
        for (int i = 0; i < parts.size() - 1; i++) {
            if (parts.get(i).text().endsWith("</code></pre>") && parts.get(i + 1).text().startsWith("<pre><code class=\"language-python\">")) {
                opened++;
            }
        }
        assertThat(opened).as("the code block is closed at the end of a part and reopened in the next").isGreaterThanOrEqualTo(1);
        String joined = parts.stream().map(FakeTelegram.Sent::visible).collect(Collectors.joining());
        assertThat(joined.replaceAll("\\s+", "")).isEqualTo(whole.replaceAll("\\s+", ""));
    }

    @Test
    void markdownSamplesAreRenderedAndAccepted() {
        String answer = """
                # Плán

                **Bold with *nested italic* inside** and ~~old~~ text.
                Code: `a < b && c > d`, link: [search](https://example.com/q?a=1&b=2).

                - first
                - second
                  1. inner one
                  2. inner two

                > a quote with 中文 and עברית

                ```java
                if (a < b && c) { return "<x>"; }
                ```

                Emoji 👨‍👩‍👧 and العربية <b>raw</b>.""";
        FakeTelegram.Sent sent = answered(answer, 1).get(0);
        assertThat(sent.parseMode()).isEqualTo("HTML");
        assertThat(sent.text()).contains(
                "<b>Плán</b>",
                "<b>Bold with <i>nested italic</i> inside</b>",
                "<s>old</s>",
                "<code>a &lt; b &amp;&amp; c &gt; d</code>",
                "<a href=\"https://example.com/q?a=1&amp;b=2\">search</a>",
                "• first\n• second\n   1. inner one\n   2. inner two",
                "<blockquote>a quote with 中文 and עברית</blockquote>",
                "<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c) { return \"&lt;x&gt;\"; }</code></pre>",
                "Emoji 👨‍👩‍👧 and العربية &lt;b&gt;raw&lt;/b&gt;.");
    }

    @Test
    void commandRepliesAreRenderedToo() {
        long chat = nextChat++;
        telegram.sendText(chat, "/help");
        telegram.sendText(chat, "/what_is*this*");
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.acceptedTo(chat).size() >= 2);
        List<FakeTelegram.Sent> sent = telegram.acceptedTo(chat);
        assertThat(sent.get(0).visible()).contains("/audit <reference> – what happened to one message");
        assertThat(sent.get(1).visible()).startsWith("I don't know the command /what_is*this*.");
        assertThat(sent).allSatisfy(s -> assertThat(s.parseMode()).isEqualTo("HTML"));
    }

    @Test
    void aPartTelegramCannotParseIsSentAgainAsPlainTextCountedAndLoggedWithoutTheText() {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        double before = registry.get(BotMetrics.PLAIN_FALLBACK).counter().count();
        long chat = nextChat++;
        claude.answers("**Fallback** sample with a [link](https://x.example/?a=1&b=2) zebra", 0);
        try (LogCapture logs = LogCapture.json()) {
            telegram.refuseNextHtml();
            telegram.sendText(chat, "question");
            await().atMost(Duration.ofSeconds(20)).until(() -> telegram.acceptedTo(chat).size() >= 1);

            assertThat(telegram.sentTo(chat)).hasSize(2).first().extracting(FakeTelegram.Sent::parseMode).isEqualTo("HTML");
            assertThat(telegram.acceptedTo(chat)).singleElement().satisfies(s -> {
                assertThat(s.parseMode()).isNull();
                assertThat(s.text()).isEqualTo("Fallback sample with a link zebra");
            });
            assertThat(registry.get(BotMetrics.PLAIN_FALLBACK).counter().count() - before).isEqualTo(1);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("sending it again as plain text")
                    .contains(String.valueOf(chat)));
            assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains("zebra"));
        }
    }
}
