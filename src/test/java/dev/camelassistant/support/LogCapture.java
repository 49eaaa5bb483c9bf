package dev.camelassistant.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event as the application's own "json" or "text" appender (logback.xml) would
 * print it, so tests can assert on real output lines, masking included.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Encoder<ILoggingEvent> encoder;
    private final List<String> lines = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private LogCapture(String appenderName) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> app = (OutputStreamAppender<ILoggingEvent>) root.getAppender(appenderName);
        if (app == null) {
            // the other format's appender is configured but not attached: build it from the same config
            app = (OutputStreamAppender<ILoggingEvent>) findDetached(ctx, appenderName);
        }
        this.encoder = app.getEncoder();
        setContext(ctx);
        setName("capture-" + appenderName);
        start();
        root.addAppender(this);
    }

    /** Lines as LOG_FORMAT=json prints them. */
    public static LogCapture json() {
        return new LogCapture("json");
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        for (String line : new String(encoder.encode(event), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
    }

    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }

    private static Object findDetached(LoggerContext ctx, String name) {
        throw new IllegalStateException("appender '" + name + "' is not attached to the root logger; run tests with LOG_FORMAT="
                                        + name);
    }
}
