package dev.camelassistant.telegram;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a unit test: prints how long rendering and splitting a 20,000-character Markdown answer
 * takes ({@link ReplySplitter#htmlParts}), as the median of 200 runs after a warm-up of 20 runs,
 * and again once settled (after 2,000 runs).
 * <pre>
 * mvn -o -X -B test-compile | grep -m1 '(f) testPath = ' | sed 's/.*(f) testPath = \[//; s/\]$//; s/, /:/g' &gt; target/cp.txt
 * java @jvm.options -cp "$(cat target/cp.txt)" dev.camelassistant.telegram.ReplySplitterBenchmark
 * </pre>
 */
public final class ReplySplitterBenchmark {

    private ReplySplitterBenchmark() {
    }

    /** About 20,000 characters of what Claude writes: headings, prose, lists, links, code, Cyrillic. */
    static String answer() {
        StringBuilder md = new StringBuilder();
        int n = 0;
        while (md.length() < 20_000) {
            md.append("## Section ").append(n).append("\n\n");
            md.append("This paragraph has **bold**, *italic*, `inline < code & more` and a [link](https://example.com/?q=")
                    .append(n).append("&lang=en). It goes on for a while so the answer reads like a real one. ");
            md.append("Второе предложение на русском языке, с ~~ошибкой~~ исправлением.\n\n");
            md.append("- point one\n- point two with **bold**\n  1. nested one\n  2. nested two\n\n");
            md.append("> a quoted remark\n\n");
            if (n % 3 == 0) {
                md.append("```java\n");
                for (int i = 0; i < 25; i++) {
                    md.append("if (a < b && c > d) { list.add(\"<item ").append(i).append(">\"); }\n");
                }
                md.append("```\n\n");
            }
            n++;
        }
        return md.substring(0, 20_000);
    }

    public static void main(String[] args) {
        String answer = answer();
        ReplySplitter splitter = new ReplySplitter();
        List<String> parts = splitter.htmlParts(answer);
        System.out.printf(Locale.ROOT, "input %d chars -> %d parts%n", answer.length(), parts.size());
        long sink = 0;
        for (int i = 0; i < 20; i++) {
            sink += splitter.htmlParts(answer).size();
        }
        System.out.printf(Locale.ROOT, "bench: render + split a 20,000-character answer, after 20 warm-up runs: median %.2f ms of 200 runs%n",
                median(splitter, answer, 200));
        for (int i = 0; i < 2_000; i++) {
            sink += splitter.htmlParts(answer).size();
        }
        System.out.printf(Locale.ROOT, "bench: render + split a 20,000-character answer, settled (after 2,000 more runs): median %.2f ms of 500 runs (%d)%n",
                median(splitter, answer, 500), sink % 10);
    }

    private static double median(ReplySplitter splitter, String answer, int runs) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            splitter.htmlParts(answer);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
