package dev.camelassistant.files;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram.PhotoSize;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * Issue 22's figures for files, through the whole bot (camel-telegram and camel-http against the fakes,
 * pacing off, CLAUDE_STREAMING=false):
 * <ol>
 *   <li>the time from the update handed out by the fake Telegram to the Claude request arriving at the fake
 *       Anthropic API, for a 1 MB photo and a 10 MB PDF (getFile, download, checks, base64 and the request
 *       written): median and worst of several runs after a warm-up;</li>
 *   <li>the heap while two 20 MB PDFs are in flight at once (two chats): the most used, sampled every 2 ms,
 *       against the heap before. It is the whole test JVM's heap, the fakes' included (WireMock keeps each
 *       request it receives): run it with the shipped options to see both fit, e.g.
 *       {@code mvn test -Dtest=FilesBenchmark -Dtest.jvm.args="-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"}.</li>
 * </ol>
 * Not run by default: {@code mvn test -Dtest=FilesBenchmark}.
 */
class FilesBenchmark extends BotRouteTestSupport {

    private static final long CHAT_A = ADMIN_CHAT;
    private static final long CHAT_B = FRIEND_CHAT;
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    /** A PDF of {@code size} bytes: three pages and a stream of random bytes. */
    static byte[] pdfOf(int size, long seed) {
        byte[] head = TestFiles.pdf(3);
        String open = "\n9 0 obj\n<< /Length " + size + " >>\nstream\n";
        String close = "\nendstream\nendobj\n";
        int fill = size - head.length - open.length() - close.length();
        byte[] random = new byte[fill];
        new Random(seed).nextBytes(random);
        // no accidental "/Type" in the filler
        for (int i = 0; i < random.length; i++) {
            if (random[i] == '/') {
                random[i] = 'x';
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(head);
        out.writeBytes(open.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(random);
        out.writeBytes(close.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }


    private double[] runs(String label, int warmup, int runs, java.util.function.IntFunction<long[]> send) {
        double[] ms = new double[runs];
        for (int i = -warmup; i < runs; i++) {
            String caption = label + " " + i;
            int replies = telegram.sentTo(CHAT_A).size();
            long update = send.apply(i)[0];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> FakeClaude.ARRIVED.containsKey(caption));
            double t = (FakeClaude.ARRIVED.get(caption) - telegram.handedOutAt(update)) / 1e6;
            await().atMost(Duration.ofSeconds(60)).until(() -> telegram.sentTo(CHAT_A).size() > replies);
            claude.server().resetRequests();
            if (i >= 0) {
                ms[i] = t;
            }
        }
        Arrays.sort(ms);
        System.out.printf("FILES %s: median %.1f ms, min %.1f ms, max %.1f ms (%d runs after %d warm-up)%n",
                label, ms[runs / 2], ms[0], ms[runs - 1], runs, warmup);
        return ms;
    }

    @Test
    void timeToClaudeForA1MbPhotoAndA10MbPdf() {
        claude.echoes(0);
        byte[] photo = TestFiles.noise(1400, 1300, "jpg", 7);
        System.out.printf("FILES photo: %d bytes JPEG%n", photo.length);
        runs("1 MB photo", 5, 15, i -> new long[] {telegram.sendPhoto(CHAT_A, "1 MB photo " + i, new PhotoSize(photo, 1400, 1300))});
        byte[] pdf = pdfOf(10 * 1024 * 1024, 3);
        runs("10 MB PDF", 2, 7, i -> new long[] {telegram.sendDocument(CHAT_A, "10 MB PDF " + i, "big.pdf", "application/pdf", pdf, pdf.length)});
    }

    @Test
    void heapWithTwo20MbPdfsInFlight() throws Exception {
        claude.echoes(0);
        byte[] a = pdfOf(20 * 1024 * 1024 - 4096, 11);
        byte[] b = pdfOf(20 * 1024 * 1024 - 4096, 12);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // warm the path with a small PDF, then settle
        telegram.sendDocument(CHAT_A, "warm", "w.pdf", "application/pdf", TestFiles.pdf(1), TestFiles.pdf(1).length);
        await().atMost(Duration.ofSeconds(30)).until(() -> FakeClaude.ARRIVED.containsKey("warm"));
        claude.server().resetRequests();
        System.gc();
        Thread.sleep(200);
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong most = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        int repliesA = telegram.sentTo(CHAT_A).size();
        int repliesB = telegram.sentTo(CHAT_B).size();
        long started = System.nanoTime();
        telegram.sendDocument(CHAT_A, "two in flight A", "a.pdf", "application/pdf", a, a.length);
        telegram.sendDocument(CHAT_B, "two in flight B", "b.pdf", "application/pdf", b, b.length);
        await().atMost(Duration.ofSeconds(120)).until(() -> telegram.sentTo(CHAT_A).size() > repliesA
                                                            && telegram.sentTo(CHAT_B).size() > repliesB);
        double seconds = (System.nanoTime() - started) / 1e9;
        sampling.set(false);
        sampler.join();
        List<String> answers = new ArrayList<>(List.of(telegram.sentTo(CHAT_A).get(repliesA).text(),
                telegram.sentTo(CHAT_B).get(repliesB).text()));
        System.out.printf("FILES two 20 MB PDFs: max heap %s, heap used before %d MB, most used %d MB (+%d MB), both answered in %.1f s: %s%n",
                memory.getHeapMemoryUsage().getMax() / (1024 * 1024) + " MB", baseline / (1024 * 1024), most.get() / (1024 * 1024),
                (most.get() - baseline) / (1024 * 1024), seconds, answers);
    }
}
