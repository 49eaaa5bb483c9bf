package dev.camelassistant.e2e;

import dev.camelassistant.support.FakeSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.TestDatabases;

/**
 * Benchmarks of the packaged bot (target/camel-assistant.jar as a process) against loopback fakes.
 * Each figure is printed on one line starting with "bench:". Run with bench/run.sh.
 */
public final class BotBenchmark {

    static final long FIRST_CHAT = 100_000;
    static final int CHATS = 40;

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        if (which.equals("all") || which.equals("startup")) {
            startup();
        }
        if (which.equals("all") || which.equals("startup") || which.equals("restart")) {
            restart();
        }
        if (which.equals("all") || which.equals("load")) {
            load();
        }
        if (which.equals("all") || which.equals("bare")) {
            bareLoop();
        }
        if (which.equals("all") || which.equals("warmup")) {
            warmup();
        }
        System.exit(0);
    }

    static Map<String, String> env(FakeTelegram telegram, FakeClaude claude, TestDatabases db, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("TELEGRAM_BOT_TOKEN", FakeTelegram.TOKEN);
        env.put("TELEGRAM_API_URL", telegram.baseUrl());
        env.put("TELEGRAM_ADMIN_CHAT_ID", "1001");
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            chats.add(String.valueOf(FIRST_CHAT + i));
        }
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", String.join(",", chats));
        env.put("ANTHROPIC_API_KEY", FakeSecrets.anthropicKey("benchmarkKey_0123456789"));
        env.put("ANTHROPIC_BASE_URL", claude.baseUrl());
        env.put("ENCRYPTION_KEY", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
        // BENCH_MANAGEMENT_PASSWORD=... measures the bot with metrics, Jolokia and info served (the
        // default, no password, serves the health status only)
        String managementPassword = managementPassword();
        if (managementPassword != null) {
            env.put("MANAGEMENT_PASSWORD", managementPassword);
        }
        if (System.getenv("BENCH_ROUTE_STATS") != null) {
            env.put("DEV_CONSOLE", "true");
        }
        // BENCH_CLAUDE_STREAMING=false measures the bot reading Claude's answers as one JSON body
        if (System.getenv("BENCH_CLAUDE_STREAMING") != null) {
            env.put("CLAUDE_STREAMING", System.getenv("BENCH_CLAUDE_STREAMING"));
        }
        if (db != null) {
            env.put("DATABASE_URL", db.jdbcUrl());
            env.put("DATABASE_USER", TestDatabases.user());
        }
        env.put("DATA_DIR", dataDir.toString());
        env.put("HTTP_PORT", String.valueOf(BotRouteTestSupport.freePort()));
        // the load figures measure the bot, not Telegram's own limits
        env.put("TELEGRAM_MAX_MESSAGES_PER_SECOND", "0");
        env.put("TELEGRAM_CHAT_INTERVAL_MS", "0");
        // as in the Docker image: fewer glibc malloc arenas, a smaller resident set
        env.put("MALLOC_ARENA_MAX", System.getenv().getOrDefault("BOT_MALLOC_ARENA_MAX", "2"));
        if (System.getenv("BENCH_JAVA_OPTS") != null) {
            env.put("JAVA_TOOL_OPTIONS", System.getenv("BENCH_JAVA_OPTS"));
        }
        return env;
    }

    /** Resident memory of the last started bot 3 s after its first poll. */
    static long LAST_RSS_MB;

    /** Milliseconds from process start to the first getUpdates. */
    static double timeToFirstPoll(Map<String, String> env, FakeTelegram telegram) throws Exception {
        long t0 = System.nanoTime();
        try (BotProcess p = BotProcess.start(env)) {
            while (telegram.polls() == 0) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("bot exited: " + p.stderr());
                }
                Thread.sleep(2);
                if (System.nanoTime() - t0 > 120_000_000_000L) {
                    throw new IllegalStateException("no poll within 120 s");
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(3000);
            LAST_RSS_MB = rssMb(p.pid());
            p.terminate(Duration.ofSeconds(60));
            return ms;
        }
    }

    static void startup() throws Exception {
        int runs = 5;
        String options = System.getProperty("bot.jvm.options", "-Xmx256m");
        Path archive = Files.createTempDirectory("bench-cds").resolve("camel-assistant.jsa");
        try (FakeClaude claude = new FakeClaude(); TestDatabases db = TestDatabases.create()) {
            List<Double> external = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                try (FakeTelegram telegram = new FakeTelegram()) {
                    external.add(timeToFirstPoll(env(telegram, claude, db, Files.createTempDirectory("bench")), telegram));
                }
            }
            System.out.printf("bench: startup to first getUpdates, external PostgreSQL, no class-data archive: median %.0f ms"
                              + " (runs %s)%n", median(external), fmt(external));
            // AppCDS as bin/camel-assistant does it: one start records the archive at exit, later starts map it
            System.setProperty("bot.jvm.options", options + " -XX:ArchiveClassesAtExit=" + archive);
            try (FakeTelegram telegram = new FakeTelegram()) {
                timeToFirstPoll(env(telegram, claude, db, Files.createTempDirectory("bench")), telegram);
            }
            System.setProperty("bot.jvm.options", options + " -XX:SharedArchiveFile=" + archive);
            List<Double> cds = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                try (FakeTelegram telegram = new FakeTelegram()) {
                    cds.add(timeToFirstPoll(env(telegram, claude, db, Files.createTempDirectory("bench")), telegram));
                    rss.add((double) LAST_RSS_MB);
                }
            }
            System.out.printf("bench: resident memory 3 s after startup (external PostgreSQL): median %.0f MB%n", median(rss));
            System.out.printf("bench: startup to first getUpdates, external PostgreSQL, with the class-data archive"
                              + " (bin/camel-assistant): median %.0f ms (runs %s) (goal <= 1500 ms)%n", median(cds), fmt(cds));
            List<Double> first = new ArrayList<>();
            List<Double> second = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createTempDirectory("bench-embedded");
                try (FakeTelegram telegram = new FakeTelegram()) {
                    first.add(timeToFirstPoll(env(telegram, claude, null, dir), telegram));
                }
                try (FakeTelegram telegram = new FakeTelegram()) {
                    second.add(timeToFirstPoll(env(telegram, claude, null, dir), telegram));
                }
            }
            System.out.printf("bench: startup to first getUpdates, embedded PostgreSQL (with the archive): first start median"
                              + " %.0f ms %s, second start median %.0f ms %s%n", median(first), fmt(first), median(second),
                    fmt(second));
            System.setProperty("bot.jvm.options", options);
        }
    }

    /**
     * A restart of an idle bot as a service manager does it: SIGTERM to the running bot, wait for it
     * to exit, start the new one. The fake Telegram holds an empty getUpdates for its whole long-poll
     * timeout, as Telegram does, so the stop meets the bot in the middle of a long poll. Both bots use
     * the class-data archive (bin/camel-assistant) and the external PostgreSQL. Prints the idle
     * shutdown (SIGTERM to exit) and the downtime (SIGTERM to the new bot's first getUpdates).
     */
    static void restart() throws Exception {
        int runs = Integer.getInteger("bench.runs", 5);
        String options = System.getProperty("bot.jvm.options", "-Xmx256m");
        Path archive = Files.createTempDirectory("bench-cds").resolve("camel-assistant.jsa");
        try (FakeClaude claude = new FakeClaude(); TestDatabases db = TestDatabases.create()) {
            System.setProperty("bot.jvm.options", options + " -XX:ArchiveClassesAtExit=" + archive);
            try (FakeTelegram telegram = new FakeTelegram()) {
                timeToFirstPoll(env(telegram, claude, db, Files.createTempDirectory("bench")), telegram);
            }
            System.setProperty("bot.jvm.options", options + " -XX:SharedArchiveFile=" + archive);
            List<Double> shutdown = new ArrayList<>();
            List<Double> downtime = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                try (FakeTelegram telegram = new FakeTelegram()) {
                    telegram.holdPollsLikeTelegram();
                    Map<String, String> env = env(telegram, claude, db, Files.createTempDirectory("bench"));
                    try (BotProcess old = BotProcess.start(env)) {
                        awaitPoll(old, telegram, 0);
                        Thread.sleep(3000); // idle, waiting in a long poll
                        long t0 = System.nanoTime();
                        int code = old.terminate(Duration.ofSeconds(60));
                        long exited = System.nanoTime();
                        if (code != 0 && code != 143) { // 143: ended by SIGTERM after the shutdown hooks
                            throw new IllegalStateException("the bot exited with " + code + ": " + old.stderr());
                        }
                        if (System.getenv("BENCH_SHOW_SHUTDOWN") != null) {
                            Thread.sleep(500); // the output pump
                            old.stderr().forEach(System.out::println);
                            List<String> out = old.stdout();
                            out.subList(Math.max(0, out.size() - 60), out.size()).forEach(System.out::println);
                        }
                        long pollsBefore = telegram.polls();
                        try (BotProcess next = BotProcess.start(env)) {
                            awaitPoll(next, telegram, pollsBefore);
                            long up = System.nanoTime();
                            shutdown.add((exited - t0) / 1e6);
                            downtime.add((up - t0) / 1e6);
                            next.terminate(Duration.ofSeconds(60));
                        }
                    }
                }
            }
            System.out.printf("bench: idle shutdown (SIGTERM to exit, in a long poll): median %.0f ms (runs %s)%n",
                    median(shutdown), fmt(shutdown));
            System.out.printf("bench: restart downtime of an idle bot (SIGTERM to the new bot's first getUpdates, with the"
                              + " archive): median %.0f ms (runs %s) (goal <= 3000 ms)%n", median(downtime), fmt(downtime));
            System.setProperty("bot.jvm.options", options);
        }
    }

    /** Waits until getUpdates was called more than {@code after} times in all. */
    static void awaitPoll(BotProcess p, FakeTelegram telegram, long after) throws Exception {
        long t0 = System.nanoTime();
        while (telegram.polls() <= after) {
            if (!p.isAlive()) {
                throw new IllegalStateException("bot exited: " + p.stderr());
            }
            Thread.sleep(2);
            if (System.nanoTime() - t0 > 120_000_000_000L) {
                throw new IllegalStateException("no poll within 120 s");
            }
        }
    }

    static void load() throws Exception {
        try (FakeTelegram telegram = new FakeTelegram(); FakeClaude claude = new FakeClaude();
             TestDatabases db = TestDatabases.create();
             BotProcess bot = BotProcess.start(envWithPort(telegram, claude, db))) {
            while (telegram.polls() == 0) {
                Thread.sleep(10);
            }
            if (System.getenv("BENCH_ONLY_OVERHEAD") == null) {
            // concurrency: 8 chats at once against a Claude answering in 2 s
            claude.echoes(2000);
            warmUp(telegram, 8);
            int sentBefore = telegram.sentCount();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(telegram.sendText(FIRST_CHAT + i, "concurrent " + i));
            }
            awaitSent(telegram, sentBefore + 8, 60);
            long start = ids.stream().map(telegram::handedOutAt).min(Long::compare).orElseThrow();
            long end = 0;
            for (int i = 0; i < 8; i++) {
                List<Long> r = telegram.receivedAt(FIRST_CHAT + i);
                end = Math.max(end, r.get(r.size() - 1));
            }
            double wallMs = (end - start) / 1e6;
            System.out.printf("bench: concurrency 8 chats x Claude 2000 ms: wall %.0f ms, ratio %.3f (goal <= 1.2)%n",
                    wallMs, wallMs / 2000);

            }
            // overhead: one message at a time, zero-latency Claude
            claude.echoes(0);
            // warm-up long enough for the JIT of both JVMs (bot and fakes) to settle on 2 cores
            for (int round = 0; round < 5; round++) {
                warmUp(telegram, 1000);
            }
            for (int i = 0; i < 300; i++) {
                int before = telegram.sentCount();
                telegram.sendText(FIRST_CHAT + 38, "seq-warm " + i);
                telegram.awaitSentCount(before + 1, 10_000);
            }
            List<Double> latencies = new ArrayList<>();
            List<Double> toClaude = new ArrayList<>();
            long chat = FIRST_CHAT + 39;
            for (int i = 0; i < 500; i++) {
                int before = telegram.sentCount();
                long id = telegram.sendText(chat, "seq " + i);
                if (!telegram.awaitSentCount(before + 1, 10_000)) {
                    throw new IllegalStateException("no reply to message " + i);
                }
                List<Long> r = telegram.receivedAt(chat);
                latencies.add((r.get(r.size() - 1) - telegram.handedOutAt(id)) / 1e6);
                Long atClaude = FakeClaude.ARRIVED.get("seq " + i);
                if (atClaude != null) {
                    toClaude.add((atClaude - telegram.handedOutAt(id)) / 1e6);
                }
            }
            Collections.sort(toClaude);
            System.out.printf("bench: of which update handed out -> Claude request arrived: median %.2f ms%n", pct(toClaude, 50));
            Collections.sort(latencies);
            System.out.printf("bench: bot overhead per message (update handed out -> sendMessage received), zero-latency"
                              + " fakes, 500 sequential messages: median %.2f ms, p99 %.2f ms (goal: median <= 3 ms)%n",
                    pct(latencies, 50), pct(latencies, 99));

            if (System.getenv("BENCH_ONLY_OVERHEAD") != null) {
                dumpRouteStats();
                bot.terminate(Duration.ofSeconds(60));
                return;
            }
            // throughput: 2,000 messages in 40 chats at once, every reply checked
            Map<Long, Integer> firstIndex = new HashMap<>();
            List<Long> updateIds = new ArrayList<>();
            for (int c = 0; c < CHATS; c++) {
                firstIndex.put(FIRST_CHAT + c, telegram.receivedAt(FIRST_CHAT + c).size());
            }
            for (int i = 0; i < 50; i++) {
                for (int c = 0; c < CHATS; c++) {
                    updateIds.add(telegram.sendText(FIRST_CHAT + c, "m-" + (FIRST_CHAT + c) + "-" + i));
                }
            }
            // each chat's messages that wait while its turn is with Claude are answered as one turn (ChatTurns):
            // done when every chat's replies reach its last message
            long deadline = System.nanoTime() + 120_000_000_000L;
            for (int c = 0; c < CHATS; c++) {
                String last = "m-" + (FIRST_CHAT + c) + "-49";
                while (telegram.sentTo(FIRST_CHAT + c).stream().noneMatch(x -> x.text().contains(last))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("chat " + (FIRST_CHAT + c) + " never answered " + last);
                    }
                    Thread.sleep(5);
                }
            }
            long t0 = updateIds.stream().map(telegram::handedOutAt).min(Long::compare).orElseThrow();
            long t1 = 0;
            int intact = 0;
            List<FakeTelegram.Sent> sent = telegram.sentMessages();
            for (int c = 0; c < CHATS; c++) {
                long chatId = FIRST_CHAT + c;
                List<Long> r = telegram.receivedAt(chatId);
                t1 = Math.max(t1, r.get(r.size() - 1));
                List<String> texts = sent.stream().filter(s -> s.chatId() == chatId).map(FakeTelegram.Sent::text).toList();
                String answered = String.join("\n\n", texts.subList(firstIndex.get(chatId), texts.size()).stream()
                        .map(t -> t.startsWith("echo: ") ? t.substring(6) : t).toList());
                for (int i = 0; i < 50; i++) {
                    // in order: each message after the one before it
                    int at = answered.indexOf("m-" + chatId + "-" + i + (i == 49 ? "" : "\n"));
                    if (at >= 0) {
                        intact++;
                        answered = answered.substring(at);
                    }
                }
            }
            double seconds = (t1 - t0) / 1e9;
            System.out.printf("bench: throughput 2000 messages in 40 chats: %.0f messages/s (%.2f s), %d/2000 messages"
                              + " answered intact and in order (goal >= 250/s; a chat's waiting messages are answered as one turn)%n",
                    2000 / seconds, seconds, intact);
            dumpRouteStats();
            if (System.getenv("BENCH_NMT") != null) {
                Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(bot.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                System.out.println(new String(j.getInputStream().readAllBytes()));
            }
            System.out.printf("bench: resident memory after the load: %d MB (goal <= 200 MB; JVM options of jvm.options)%n",
                    rssMb(bot.pid()));
            bot.terminate(Duration.ofSeconds(60));
        }
    }

    static int port;

    /** BENCH_MANAGEMENT_PASSWORD, or one of our own when BENCH_ROUTE_STATS needs the dev console; else none. */
    static String managementPassword() {
        String given = System.getenv("BENCH_MANAGEMENT_PASSWORD");
        if (given != null && !given.isBlank()) {
            return given;
        }
        return System.getenv("BENCH_ROUTE_STATS") != null ? "bench-route-stats-password" : null;
    }

    /** With BENCH_ROUTE_STATS set: Camel's per-route and per-processor statistics (dev console, as the operator). */
    static void dumpRouteStats() throws Exception {
        if (System.getenv("BENCH_ROUTE_STATS") == null) {
            return;
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://localhost:" + port + "/q/dev/route?processors=true")).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString(("admin:" + managementPassword()).getBytes())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        System.out.println(resp.body());
    }

    static Map<String, String> envWithPort(FakeTelegram telegram, FakeClaude claude, TestDatabases db) throws Exception {
        Map<String, String> env = env(telegram, claude, db, Files.createTempDirectory("bench"));
        port = Integer.parseInt(env.get("HTTP_PORT"));
        return env;
    }

    /**
     * The baseline: the same fakes served by a bare loop (JDK HTTP client: long-poll getUpdates, POST
     * /v1/messages, POST sendMessage, one update at a time), measured the same way.
     */
    static void bareLoop() throws Exception {
        try (FakeTelegram telegram = new FakeTelegram(); FakeClaude claude = new FakeClaude()) {
            claude.echoes(0);
            Thread loop = startBareLoop(telegram, claude);
            for (int round = 0; round < 5; round++) {
                warmUp(telegram, 1000);
            }
            long chat = FIRST_CHAT + 1;
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                int before = telegram.sentCount();
                long id = telegram.sendText(chat, "bare " + i);
                telegram.awaitSentCount(before + 1, 10_000);
                if (i >= 300) {
                    List<Long> r = telegram.receivedAt(chat);
                    latencies.add((r.get(r.size() - 1) - telegram.handedOutAt(id)) / 1e6);
                }
            }
            Collections.sort(latencies);
            System.out.printf("bench: baseline bare loop on the same fakes (JDK HTTP client, no framework), 500 sequential"
                              + " messages: median %.2f ms, p99 %.2f ms%n", pct(latencies, 50), pct(latencies, 99));
            loop.interrupt();
        }
    }

    /** The baseline loop: long-poll getUpdates, ask Claude, sendMessage, with the JDK HTTP client only. */
    static Thread startBareLoop(FakeTelegram telegram, FakeClaude claude) {
        var http = java.net.http.HttpClient.newHttpClient();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Thread loop = new Thread(() -> {
            long offset = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    var updates = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            telegram.baseUrl() + "/bot" + FakeTelegram.TOKEN + "/getUpdates?timeout=30&offset=" + offset))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("result");
                    for (var u : updates) {
                        offset = u.path("update_id").asLong() + 1;
                        String text = u.path("message").path("text").asText();
                        long chat = u.path("message").path("chat").path("id").asLong();
                        var req = json.createObjectNode();
                        req.put("model", FakeClaude.MODEL);
                        req.put("max_tokens", 4096);
                        req.putArray("messages").addObject().put("role", "user").put("content", text);
                        var answer = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                claude.baseUrl() + "/v1/messages")).header("content-type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(req.toString())).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                        var send = json.createObjectNode();
                        send.put("chat_id", chat);
                        send.put("text", answer.path("content").get(0).path("text").asText());
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                telegram.baseUrl() + "/bot" + FakeTelegram.TOKEN + "/sendMessage"))
                                .header("content-type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(send.toString())).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the fakes went away at the end (after interrupt()); anything else would otherwise
                    // surface only as a warm-up that waits for replies that never come
                    if (!Thread.currentThread().isInterrupted()) {
                        System.err.println("bench: bare loop stopped: " + e);
                    }
                    return;
                }
            }
        }, "bare-loop");
        loop.setDaemon(true);
        loop.start();
        return loop;
    }

    /**
     * Per-message overhead (update handed out → sendMessage received, Claude answering at once) at a
     * personal bot's warm-up, its first 30 messages after a start, and settled, after 5,000; for the
     * bot and for the bare loop on the same fakes, in one run, so that the ratio is what this noisy
     * machine cannot move much. Messages go one at a time, each to its own chat (no history).
     */
    static void warmup() throws Exception {
        double[] bot;
        try (FakeTelegram telegram = new FakeTelegram(); FakeClaude claude = new FakeClaude();
             TestDatabases db = TestDatabases.create()) {
            Map<String, String> env = envWithPort(telegram, claude, db);
            List<String> chats = new ArrayList<>(List.of(env.get("TELEGRAM_ALLOWED_CHAT_IDS").split(",")));
            for (int i = 0; i < 600; i++) {
                chats.add(String.valueOf(MEASURED_CHAT + i));
            }
            env.put("TELEGRAM_ALLOWED_CHAT_IDS", String.join(",", chats));
            claude.echoes(0);
            try (BotProcess process = BotProcess.start(env)) {
                while (telegram.polls() == 0) {
                    Thread.sleep(10);
                }
                bot = firstAndSettled(telegram);
            }
        }
        System.out.printf("bench: warm-up, first 30 messages after start: bot median %.2f ms%n", bot[0]);
        System.out.printf("bench: settled, 500 messages after 5,000: bot median %.2f ms%n", bot[1]);
        double[] bare;
        try (FakeTelegram telegram = new FakeTelegram(); FakeClaude claude = new FakeClaude()) {
            claude.echoes(0);
            Thread loop = startBareLoop(telegram, claude);
            bare = firstAndSettled(telegram);
            loop.interrupt();
        }
        System.out.printf("bench: warm-up, first 30 messages: bare loop median %.2f ms, ratio bot/bare %.1f%n", bare[0],
                bot[0] / bare[0]);
        System.out.printf("bench: settled, 500 messages after 5,000: bare loop median %.2f ms, ratio bot/bare %.1f%n",
                bare[1], bot[1] / bare[1]);
    }

    static final long MEASURED_CHAT = 200_000;

    /** Medians of the first 30 sequential messages, then of 500 after 5,000 warm-up messages. */
    static double[] firstAndSettled(FakeTelegram telegram) throws Exception {
        List<Double> first = sequential(telegram, 0, 30);
        for (int round = 0; round < 5; round++) {
            warmUp(telegram, 1000);
        }
        List<Double> settled = sequential(telegram, 100, 500);
        Collections.sort(first);
        Collections.sort(settled);
        return new double[] {pct(first, 50), pct(settled, 50)};
    }

    private static List<Double> sequential(FakeTelegram telegram, int firstChat, int n) throws Exception {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long chat = MEASURED_CHAT + firstChat + i;
            int before = telegram.sentCount();
            long id = telegram.sendText(chat, "measured " + i);
            if (!telegram.awaitSentCount(before + 1, 10_000)) {
                throw new IllegalStateException("no reply to message " + i);
            }
            List<Long> r = telegram.receivedAt(chat);
            latencies.add((r.get(r.size() - 1) - telegram.handedOutAt(id)) / 1e6);
        }
        return latencies;
    }

    static void warmUp(FakeTelegram telegram, int n) throws Exception {
        int before = telegram.sentCount();
        for (int i = 0; i < n; i++) {
            telegram.sendText(FIRST_CHAT + (i % CHATS), "warm-up " + i);
        }
        awaitSent(telegram, before + n, 60);
        Thread.sleep(200);
    }

    static void awaitSent(FakeTelegram telegram, int count, int seconds) throws InterruptedException {
        if (!telegram.awaitSentCount(count, seconds * 1000L)) {
            throw new IllegalStateException("only " + telegram.sentCount() + " of " + count + " replies");
        }
    }

    static long rssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return pct(s, 50);
    }

    static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static String fmt(List<Double> v) {
        return v.stream().map(d -> String.format("%.0f", d)).toList().toString();
    }

    private BotBenchmark() {
    }
}
