package dev.camelassistant.telegram;

import dev.camelassistant.common.Markdown;
import dev.camelassistant.support.TelegramHtmlRules;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Markdown to Telegram HTML: every sample must also pass Telegram's rules (TelegramHtmlRules). */
class TelegramHtmlTest {

    private static String render(String markdown) {
        String html = TelegramHtml.render(markdown);
        TelegramHtmlRules.Parsed parsed = TelegramHtmlRules.parse(html);
        assertThat(parsed.error()).as("Telegram accepts %s", html).isNull();
        assertThat(TelegramHtml.visibleText(html)).as("visible text of %s", html).isEqualTo(parsed.visibleText());
        return html;
    }

    @Test
    void nestedEmphasisAndStrikethroughRenderToTagsTelegramAccepts() {
        assertThat(render("**bold *and italic* inside**")).isEqualTo("<b>bold <i>and italic</i> inside</b>");
        assertThat(render("_it **strong** it_")).isEqualTo("<i>it <b>strong</b> it</i>");
        assertThat(render("***both***")).isEqualTo("<i><b>both</b></i>");
        assertThat(render("~~gone~~ and ~5 minutes to ~10")).isEqualTo("<s>gone</s> and ~5 minutes to ~10");
        assertThat(render("snake_case_name and 2 * 3 * 4")).isEqualTo("snake_case_name and 2 * 3 * 4");
    }

    @Test
    void inlineCodeAndFencedCodeAreEscapedAndKeepTheirLanguage() {
        assertThat(render("use `a < b && c > d` here")).isEqualTo("use <code>a &lt; b &amp;&amp; c &gt; d</code> here");
        assertThat(render("```java\nif (a < b && c) {\n    x = \"<b>\";\n}\n```"))
                .isEqualTo("<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c) {\n    x = \"&lt;b&gt;\";\n}</code></pre>");
        assertThat(render("```\nplain\n```")).isEqualTo("<pre>plain</pre>");
        assertThat(render("~~~python title=\"x\"\nprint(1)\n~~~")).isEqualTo("<pre><code class=\"language-python\">print(1)</code></pre>");
        assertThat(render("```\"><script>\nx\n```")).as("an odd info string gives no class").isEqualTo("<pre>x</pre>");
        assertThat(render("    indented code <x>")).isEqualTo("<pre>indented code &lt;x&gt;</pre>");
        assertThat(render("**`code` in bold**")).isEqualTo("<b><code>code</code> in bold</b>");
    }

    @Test
    void linksEscapeTheirHrefAndOnlyOpenSupportedSchemes() {
        assertThat(render("[search](https://example.com/q?a=1&b=\"2\")"))
                .isEqualTo("<a href=\"https://example.com/q?a=1&amp;b=&quot;2&quot;\">search</a>");
        assertThat(render("<https://example.com/?x=1&y=2>"))
                .isEqualTo("<a href=\"https://example.com/?x=1&amp;y=2\">https://example.com/?x=1&amp;y=2</a>");
        assertThat(render("[**bold** link](http://a.b)")).isEqualTo("<a href=\"http://a.b\"><b>bold</b> link</a>");
        assertThat(render("[click](javascript:alert(1))")).isEqualTo("click");
        assertThat(render("[relative](/docs/x)")).isEqualTo("relative");
        assertThat(render("![a cat](https://img.example/cat.png)")).isEqualTo("<a href=\"https://img.example/cat.png\">a cat</a>");
        assertThat(render("[![logo](https://i/x.png)](https://site)")).isEqualTo("<a href=\"https://site\">logo</a>");
    }

    @Test
    void headingsListsQuotesAndBreaksRenderToTagsTelegramAccepts() {
        assertThat(render("# Title\n\nText")).isEqualTo("<b>Title</b>\n\nText");
        assertThat(render("## Sub *it*")).isEqualTo("<b>Sub <i>it</i></b>");
        assertThat(render("- one\n- two\n  - nested\n  - again\n- three"))
                .isEqualTo("• one\n• two\n   • nested\n   • again\n• three");
        assertThat(render("1. first\n2. second\n   1. inner\n3. third"))
                .isEqualTo("1. first\n2. second\n   1. inner\n3. third");
        assertThat(render("7) seven\n8) eight")).isEqualTo("7) seven\n8) eight");
        assertThat(render("- item\n\n  second paragraph")).isEqualTo("• item\n   second paragraph");
        assertThat(render("> quoted **bold**\n> line two")).isEqualTo("<blockquote>quoted <b>bold</b>\nline two</blockquote>");
        assertThat(render("> outer\n>\n> > inner")).as("Telegram does not nest quotes")
                .isEqualTo("<blockquote>outer\n\ninner</blockquote>");
        assertThat(render("above\n\n---\n\nbelow")).isEqualTo("above\n\n" + TelegramHtml.RULE + "\n\nbelow");
        assertThat(render("line one\nline two  \nline three")).isEqualTo("line one\nline two\nline three");
    }

    @Test
    void rawHtmlAndEntitiesAreShownAsText() {
        assertThat(render("<b>not bold</b> & <script>x</script>")).isEqualTo("&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;");
        assertThat(render("<div>\nblock html\n</div>")).isEqualTo("&lt;div&gt;\nblock html\n&lt;/div&gt;");
        assertThat(render("&copy; &amp; &#60; AT&T 1 < 2 > 0")).isEqualTo("© &amp; &lt; AT&amp;T 1 &lt; 2 &gt; 0");
        assertThat(render("/audit <reference>")).isEqualTo("/audit &lt;reference&gt;");
        assertThat(render("[ref]: https://x\n\ntext")).isEqualTo("text");
    }

    @Test
    void anyScriptPassesThrough() {
        assertThat(render("**Привет**, мир! 你好，世界。 👍🏽 👨‍👩‍👧 مرحبا **بالعالم** שלום"))
                .isEqualTo("<b>Привет</b>, мир! 你好，世界。 👍🏽 👨‍👩‍👧 مرحبا <b>بالعالم</b> שלום");
        String html = render("`😀<😀>`");
        assertThat(TelegramHtml.visibleText(html)).isEqualTo("😀<😀>").hasSize(6);
    }

    @Test
    void visibleTextDecodesWhatRenderWrites() {
        assertThat(TelegramHtml.visibleText("<b>a &lt;&gt; &amp; &quot;</b> &#128512; &#x41;")).isEqualTo("a <> & \" 😀 A");
        assertThat(TelegramHtml.visibleText(TelegramHtml.render("[x](https://a?b=1&c=2) & y"))).isEqualTo("x & y");
    }

    @Test
    void escapedMarkdownRendersToTheSameText() {
        String text = "⚠️ *Qdrant* is down: <html> _x_ `y` [z](w) # 1. - > & \\ ~~s~~ | claude-sonnet-4-6";
        String html = render(Markdown.escape(text));
        assertThat(TelegramHtml.visibleText(html)).isEqualTo(text);
        assertThat(html).doesNotContain("<b>", "<i>", "<code>", "<a ", "<s>");
    }

    @Test
    void aCodeBlockHoldsAnyTextVerbatim() {
        String text = "a ``` b\n```\n<c> & *d*";
        String html = render(Markdown.codeBlock(text));
        assertThat(html).startsWith("<pre>").endsWith("</pre>");
        assertThat(TelegramHtml.visibleText(html)).isEqualTo(text);
    }
}
