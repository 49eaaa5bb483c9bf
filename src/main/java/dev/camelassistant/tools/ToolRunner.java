package dev.camelassistant.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.logging.CorrelationId;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Runs one {@code tool_use} block of Claude's answer through the tool's route and makes its
 * {@code tool_result} block. The route gets the input as the body (a {@code Map}) and each top-level
 * argument as a header of the same name, with the conversation's chat, user, message and correlation
 * headers; what it leaves in the body is the result (text as it is, anything else as JSON).
 * <p>
 * The route runs on a thread of Camel's executor service ("tools") and is waited for at most
 * TOOL_TIMEOUT_SECONDS. An unknown tool, input that does not match the declared arguments, an
 * exception or a timeout become a result with {@code is_error: true} and one line for Claude (a
 * {@link ToolException}'s own message, otherwise a generic one: never an exception's text or a stack
 * trace). Every call is logged, audited as {@code tool_call} (name, duration, outcome; never the
 * input or the result) and measured ({@link ToolMetrics}).
 */
public class ToolRunner {

    /** Conversation headers a tool's route receives (which chat it acts for, and the log's correlation). */
    static final List<String> CONTEXT_HEADERS = List.of(Headers.CHAT_ID, Headers.USER_ID, Headers.MESSAGE_ID,
            CorrelationId.HEADER, "chatIsAdmin", "chatName");

    private static final Logger LOG = LoggerFactory.getLogger("dev.camelassistant.tools");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolRegistry registry;
    private final ExecutorService executor;
    private final long timeoutMs;
    private final AuditEvents audit;
    private final ToolMetrics metrics;

    public ToolRunner(CamelContext context, ToolRegistry registry, long timeoutMs, AuditEvents audit, ToolMetrics metrics) {
        this.registry = registry;
        this.executor = context.getExecutorServiceManager().newCachedThreadPool(this, "tools");
        this.timeoutMs = timeoutMs;
        this.audit = audit;
        this.metrics = metrics;
    }

    /** The request's {@code tools}: the tools that are up, in name order. */
    public JsonNode definitions() {
        return registry.definitions();
    }

    /** One {@code tool_use} block → its {@code tool_result} block. */
    public ObjectNode run(Exchange conversation, JsonNode toolUse) {
        String id = toolUse.path("id").asText("");
        String name = toolUse.path("name").asText("");
        long started = System.nanoTime();
        Outcome outcome = call(conversation, name, toolUse.path("input"));
        long nanos = System.nanoTime() - started;
        record(conversation, name, outcome, nanos);
        ObjectNode result = JSON.createObjectNode().put("type", "tool_result").put("tool_use_id", id);
        result.put("content", outcome.text());
        if (outcome.error()) {
            result.put("is_error", true);
        }
        return result;
    }

    /** What a call gave: the text for Claude, whether it is an error, and the kind of error for the audit. */
    record Outcome(String text, boolean error, String errorKind) {
        static Outcome ok(String text) {
            return new Outcome(text, false, null);
        }

        static Outcome failed(String kind, String text) {
            return new Outcome(text, true, kind);
        }
    }

    Outcome call(Exchange conversation, String name, JsonNode input) {
        ToolConsumer tool = registry.get(name);
        if (tool == null) {
            return Outcome.failed("unknown_tool", "There is no tool named '" + safe(name) + "' now.");
        }
        String mismatch = tool.spec().check(input);
        if (mismatch != null) {
            return Outcome.failed("invalid_input", "Invalid input for " + name + ": " + mismatch + ".");
        }
        Exchange exchange = tool.createExchange(false);
        Map<String, Object> arguments = JSON.convertValue(input, JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        for (String header : CONTEXT_HEADERS) {
            Object value = conversation.getMessage().getHeader(header);
            if (value != null) {
                exchange.getMessage().setHeader(header, value);
            }
        }
        arguments.forEach((arg, value) -> exchange.getMessage().setHeader(arg, value));
        exchange.getMessage().setHeader("toolName", name);
        exchange.getMessage().setBody(arguments);
        Future<?> running = executor.submit(() -> {
            tool.getProcessor().process(exchange);
            return null;
        });
        try {
            running.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            return Outcome.failed("timeout", "The tool " + name + " did not finish within " + seconds() + " and was stopped.");
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted", "The tool " + name + " was interrupted (the assistant is stopping).");
        } catch (ExecutionException e) {
            exchange.setException(e.getCause());
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        if (failure != null) {
            ToolException own = ownFailure(failure);
            return own != null ? Outcome.failed("refused", oneLine(own.getMessage()))
                    : Outcome.failed(failure.getClass().getSimpleName(), "The tool " + name + " failed ("
                                     + failure.getClass().getSimpleName() + ").");
        }
        return Outcome.ok(resultText(exchange.getMessage().getBody()));
    }

    private static ToolException ownFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ToolException own) {
                return own;
            }
        }
        return null;
    }

    /** The body a tool's route left: text as it is, nothing as "(done)", anything else written as JSON. */
    static String resultText(Object body) {
        if (body == null) {
            return "(done, no result)";
        }
        if (body instanceof CharSequence text) {
            return text.toString();
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return String.valueOf(body);
        }
    }

    private void record(Exchange conversation, String name, Outcome outcome, long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        String tool = registry.get(name) == null && outcome.error() ? "unknown" : name;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("tool", tool);
        meta.put("durationMs", ms);
        meta.put("outcome", outcome.error() ? "error" : "ok");
        if (outcome.error()) {
            meta.put("error", outcome.errorKind());
            LOG.warn("tool_call {} {} {} {}", kv("tool", tool), kv("outcome", "error"), kv("error", outcome.errorKind()),
                    kv("durationMs", ms));
        } else {
            LOG.info("tool_call {} {} {}", kv("tool", tool), kv("outcome", "ok"), kv("durationMs", ms));
        }
        audit.action(conversation, "tool_call", meta, !outcome.error() ? AuditEntry.Status.SUCCESS
                : "timeout".equals(outcome.errorKind()) ? AuditEntry.Status.TIMEOUT : AuditEntry.Status.ERROR,
                outcome.error() ? outcome.errorKind() : null, null);
        metrics.call(tool, !outcome.error(), nanos);
    }

    private String seconds() {
        return timeoutMs % 1000 == 0 ? timeoutMs / 1000 + " s" : timeoutMs + " ms";
    }

    private static String oneLine(String text) {
        String line = text == null ? "the tool refused" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    private static String safe(String name) {
        return ToolSpec.NAME.matcher(name).matches() ? name : "(invalid name)";
    }
}
