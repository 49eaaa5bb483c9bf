package dev.camelassistant.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The packaged bot, {@code java -jar target/camel-assistant.jar}, run as a separate process. */
final class BotProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private BotProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("app.jar", "target/camel-assistant.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the jar first (mvn package): " + jar);
        }
        return jar;
    }

    static BotProcess start(Map<String, String> env) throws IOException {
        return start(env, new String[0]);
    }

    /** The jar with command-line arguments ({@code credentials rotate}), or none: the bot. */
    static BotProcess start(Map<String, String> env, String... args) throws IOException {
        // bot.java: another JDK's java for the bot (bench/run.sh BENCH_BOT_JAVA), else this JVM's
        String java = System.getProperty("bot.java", "");
        List<String> cmd = new ArrayList<>(List.of(java.isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java));
        cmd.addAll(List.of(System.getProperty("bot.jvm.options", "-Xmx256m").trim().split("\\s+")));
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TELEGRAM_") || k.startsWith("ANTHROPIC_")
                || k.startsWith("DATABASE_") || k.startsWith("CLAUDE_") || k.equals("ENCRYPTION_KEY")
                || k.equals("APP_ROLE") || k.startsWith("MANAGEMENT_") || k.equals("DEV_CONSOLE") || k.equals("REDIS_URL") || k.equals("QDRANT_URL") || k.startsWith("LOG_"));
        pb.environment().putAll(env);
        return new BotProcess(pb.start());
    }

    List<String> stdout() {
        return stdout;
    }

    List<String> stderr() {
        return stderr;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then wait for the graceful shutdown; returns the exit code. */
    int terminate(Duration wait) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the bot did not stop within " + wait);
        }
        return process.exitValue();
    }

    int waitFor(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not exit within " + wait);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pump(java.io.InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "bot-output");
        t.setDaemon(true);
        t.start();
    }
}
