package dev.camelassistant.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake Bot API's HTML rules refuse what Telegram refuses (so the route tests can trust it). */
class TelegramHtmlRulesTest {

    private static String error(String html) {
        return TelegramHtmlRules.parse(html).error();
    }

    @Test
    void acceptsTelegramsTagsAndEntities() {
        assertThat(TelegramHtmlRules.parse("<b>a</b> <strong>b</strong> <i>c</i> <em>d</em> <u>e</u> <ins>f</ins> <s>g</s>"
                + " <strike>h</strike> <del>i</del> <span class=\"tg-spoiler\">j</span> <tg-spoiler>k</tg-spoiler>"
                + " <a href=\"https://x?a=1&amp;b=2\">l</a> <code>m</code> <pre><code class=\"language-java\">n</code></pre>"
                + " <blockquote>o</blockquote> <tg-emoji emoji-id=\"1\">👍</tg-emoji> &lt;&gt;&amp;&quot;&#65;&#x42;"))
                .extracting(TelegramHtmlRules.Parsed::visibleText)
                .isEqualTo("a b c d e f g h i j k l m n o 👍 <>&\"AB");
    }

    @Test
    void refusesWhatTelegramRefuses() {
        assertThat(error("<div>x</div>")).contains("Unsupported start tag");
        assertThat(error("<b>x</i>")).contains("Unmatched end tag");
        assertThat(error("<b>x")).contains("Can't find end tag");
        assertThat(error("<b><i>x</b></i>")).isNotNull();
        assertThat(error("a < b")).isNotNull();
        assertThat(error("a > b")).isNotNull();
        assertThat(error("AT&T")).isNotNull();
        assertThat(error("&nbsp;")).isNotNull();
        assertThat(error("<a>x</a>")).isNotNull();
        assertThat(error("<a href=\"https://x?a=1&b=2\">x</a>")).isNotNull();
        assertThat(error("<pre><b>x</b></pre>")).isNotNull();
        assertThat(error("<code><i>x</i></code>")).isNotNull();
        assertThat(error("<blockquote><blockquote>x</blockquote></blockquote>")).isNotNull();
        assertThat(error("<b class=\"x\">x</b>")).isNotNull();
        assertThat(error("<code class=\"language-x\">x</code>")).as("a language only on pre's code").isNotNull();
    }
}
