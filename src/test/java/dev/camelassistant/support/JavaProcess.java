package dev.camelassistant.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs dev.camelassistant.CamelAssistant as a separate JVM with a chosen environment. */
public final class JavaProcess {

    public record Result(int exitCode, String stdout, String stderr) {
    }

    private JavaProcess() {
    }

    public static Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        Process p = start(env, args);
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        Path out = outFile(p);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("process did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                Files.readString(out));
    }

    /** Starts the JVM; stderr goes to a temp file (see {@link #outFile}), stdout stays a pipe. */
    public static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.camelassistant.CamelAssistant");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TELEGRAM_") || k.startsWith("ANTHROPIC_")
                                                 || k.startsWith("DATABASE_") || k.equals("ENCRYPTION_KEY") || k.equals("APP_ROLE"));
        pb.environment().putAll(env);
        File err = File.createTempFile("camel-assistant-stderr", ".txt");
        pb.redirectError(err);
        Process p = pb.start();
        ERR_FILES.put(p, err.toPath());
        return p;
    }

    public static Path outFile(Process p) {
        return ERR_FILES.get(p);
    }

    private static final Map<Process, Path> ERR_FILES = new java.util.concurrent.ConcurrentHashMap<>();
}
