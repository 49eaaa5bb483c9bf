package dev.camelassistant.telegram;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.camelassistant.support.TelegramHtmlRules;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplySplitterTest {

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    @Test
    void aShortTextIsOnePartAndBlankTextIsNone() {
        assertThat(new ReplySplitter().split("\n \nhello  \n")).containsExactly("hello");
        assertThat(new ReplySplitter().split("  \n\n ")).isEmpty();
        assertThat(new ReplySplitter().split(null)).isEmpty();
        assertThat(new ReplySplitter().htmlParts("**hi**")).containsExactly("<b>hi</b>");
    }

    @Test
    void cutsAtAParagraphBeforeALineBeforeASentenceBeforeAWord() {
        ReplySplitter s = new ReplySplitter(100);
        String para = repeat("a", 60) + "\n\n" + repeat("b", 30) + "\n" + repeat("c", 30);
        assertThat(s.split(para)).containsExactly(repeat("a", 60), repeat("b", 30) + "\n" + repeat("c", 30));

        String line = repeat("a", 60) + "\n" + repeat("b", 30) + ". " + repeat("c", 30);
        assertThat(s.split(line).get(0)).isEqualTo(repeat("a", 60));

        String sentence = "First sentence is here. " + repeat("word ", 10) + "End. Then more words follow here and here and here";
        List<String> parts = s.split(sentence);
        assertThat(parts.get(0)).endsWith("End.");
        assertThat(parts.get(1)).startsWith("Then");

        String words = repeat("word ", 30);
        parts = s.split(words);
        assertThat(parts).allSatisfy(p -> assertThat(p).matches("(word ?)+").hasSizeLessThanOrEqualTo(100));
        assertThat(String.join(" ", parts)).isEqualTo(words.strip());
    }

    @Test
    void aBreakJustAfterTheLimitStillCountsAndTheWhitespaceAtTheCutIsDropped() {
        ReplySplitter s = new ReplySplitter(100);
        assertThat(s.split(repeat("a", 100) + "\n\n" + repeat("b", 100))).containsExactly(repeat("a", 100), repeat("b", 100));
        assertThat(s.split(repeat("a", 100) + "\n" + repeat("b", 100))).containsExactly(repeat("a", 100), repeat("b", 100));
        assertThat(s.split(repeat("a", 100) + " " + repeat("b", 100))).containsExactly(repeat("a", 100), repeat("b", 100));
    }

    @Test
    void aBoundaryLeavingThePartLessThanHalfFullIsPassedOverForALaterOne() {
        ReplySplitter s = new ReplySplitter(100);
        String text = repeat("a", 10) + "\n\n" + repeat("word ", 30);
        assertThat(s.split(text).get(0)).startsWith(repeat("a", 10) + "\n\nword").hasSizeGreaterThan(50);
    }

    @Test
    void neverCutsASurrogatePair() {
        ReplySplitter s = new ReplySplitter(101);
        String emoji = repeat("😀", 200); // 400 units, no spaces: cut between characters
        List<String> parts = s.split(emoji);
        assertThat(String.join("", parts)).isEqualTo(emoji);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(101);
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        });
    }

    @Test
    void cjkWithoutSpacesIsCutAtSentenceEndsAndRtlAtSpaces() {
        ReplySplitter s = new ReplySplitter(100);
        String cjk = repeat("这是一个没有空格的中文句子。", 20);
        List<String> parts = s.split(cjk);
        assertThat(String.join("", parts)).isEqualTo(cjk);
        assertThat(parts).allSatisfy(p -> assertThat(p).endsWith("。").hasSizeLessThanOrEqualTo(100));

        String noPunctuation = repeat("汉字", 150);
        assertThat(String.join("", s.split(noPunctuation))).isEqualTo(noPunctuation);

        String rtl = repeat("مرحبا بالعالم ", 30);
        parts = s.split(rtl);
        assertThat(parts).allSatisfy(p -> assertThat(p).doesNotStartWith(" ").hasSizeLessThanOrEqualTo(100));
        assertThat(String.join(" ", parts)).isEqualTo(rtl.strip());
    }

    @Test
    void aFencedCodeBlockCutInTwoIsClosedAndReopenedWithItsLanguage() {
        ReplySplitter s = new ReplySplitter(300);
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            code.append("int x").append(i).append(" = ").append(i).append(";\n");
        }
        String md = "Intro text.\n\n```java\n" + code + "```\n\nAfter.";
        List<String> parts = s.split(md);
        assertThat(parts).hasSizeGreaterThan(2);
        for (String p : parts) {
            assertThat(p.length()).isLessThanOrEqualTo(300);
            assertThat(count(p, "(?m)^```")).as("balanced fences in %s", p).isEven();
        }
        assertThat(parts.get(1)).startsWith("```java\n");
        assertThat(parts.get(parts.size() - 1)).endsWith("After.");
        // every code line arrives once, in order
        String joined = String.join("\n", parts).replaceAll("(?m)^```(java)?\n", "");
        for (int i = 0; i < 60; i++) {
            assertThat(joined).contains("int x" + i + " = " + i + ";");
        }
        List<String> html = s.htmlParts(md);
        assertThat(html).allSatisfy(h -> assertThat(TelegramHtmlRules.parse(h).error()).isNull());
        assertThat(html.get(1)).startsWith("<pre><code class=\"language-java\">").endsWith("</code></pre>");
    }

    @Test
    void aTildeFenceAndALongerBacktickFenceAreTracked() {
        assertThat(ReplySplitter.openFenceAt("~~~py\nx\n", 8).opening()).isEqualTo("~~~py");
        assertThat(ReplySplitter.openFenceAt("````\n```\nx\n", 10).closing()).isEqualTo("````");
        assertThat(ReplySplitter.openFenceAt("```\nx\n```\ny\n", 12)).isNull();
        assertThat(ReplySplitter.openFenceAt("text with ``` inside\n", 20)).isNull();
    }

    @Test
    void aPartIsCutFurtherWhenItsRenderedTextIsStillTooLong() {
        // "&amp;" is 5 Markdown units but 1 visible one, the other way round a thematic break can grow:
        // nested list markers add indentation, so the rendered part can outgrow the Markdown part
        ReplySplitter s = new ReplySplitter(300);
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            md.append("- a\n  - b\n");
        }
        List<String> parts = s.htmlParts(md.toString());
        // the loop below checks something: the text was cut, into more than one part
        assertThat(parts).hasSizeGreaterThan(1);
        for (String h : parts) {
            TelegramHtmlRules.Parsed p = TelegramHtmlRules.parse(h);
            assertThat(p.error()).isNull();
            assertThat(p.visibleText().length()).isLessThanOrEqualTo(300);
        }
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {4093, 4094, 4095, 4096, 4097, 4098})
    void aFenceAboutAsLongAsAPartIsSplitWithoutLoopingOrLosingText(int fenceLength) {
        String fence = "`".repeat(fenceLength);
        String md = fence + "\n" + "code line\n".repeat(1000) + fence;
        List<String> parts = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> new ReplySplitter().htmlParts(md));
        assertThat(parts).isNotEmpty().allSatisfy(p -> assertThat(TelegramHtml.visibleText(p).length()).isLessThanOrEqualTo(4096));
        assertThat(String.join("", parts.stream().map(TelegramHtml::visibleText).toList()).replaceAll("[`\\s]", ""))
                .contains("codeline".repeat(1000));
    }

    @Test
    void deeplyNestedListsThatOutgrowEveryCutArriveAsPlainPartsWithinTheLimit() {
        String md = ("1. ".repeat(100) + "x\n\n").repeat(3);
        List<String> parts = new ReplySplitter().htmlParts(md);
        assertThat(parts).isNotEmpty().allSatisfy(p -> assertThat(TelegramHtml.visibleText(p).length()).isLessThanOrEqualTo(4096));
    }

    @Test
    void markdownThatRendersToNothingIsSentAsWritten() {
        assertThat(new ReplySplitter().htmlParts("[x]: http://example.com")).containsExactly("[x]: http://example.com");
        assertThat(new ReplySplitter().htmlParts("   ")).isEmpty();
    }

    @Test
    void anOpenCodeBlockIsClosedSoThatWhatFollowsIsText() {
        assertThat(ReplySplitter.closeOpenFence("intro\n```java\nint x = 1;")).isEqualTo("intro\n```java\nint x = 1;\n```");
        assertThat(ReplySplitter.closeOpenFence("~~~~\ncode")).isEqualTo("~~~~\ncode\n~~~~");
        assertThat(ReplySplitter.closeOpenFence("```\ndone\n```\nafter")).as("already closed").isEqualTo("```\ndone\n```\nafter");
        String html = TelegramHtml.render(ReplySplitter.closeOpenFence("```\npartial") + "\n\nClaude is temporarily unavailable.");
        assertThat(html).endsWith("Claude is temporarily unavailable.");
    }
}
