package dev.camelassistant.health;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET {ANTHROPIC_BASE_URL}/v1/models/{CLAUDE_MODEL}} with the API key: proves the API answers,
 * the key is accepted and the model exists, without a completion (no tokens are spent).
 * 401/403 mean the key is rejected, 404 that the model is unknown, 529/503 that the API is
 * overloaded, 429 that the key is rate limited.
 */
public final class ClaudeProbe implements ServiceProbe {

    public static final String ANTHROPIC_VERSION = "2023-06-01";

    private final HttpClient http;
    private final String baseUrl;
    private final String model;
    private final String apiKey;

    public ClaudeProbe(HttpClient http, String baseUrl, String model, String apiKey) {
        this.http = http;
        this.baseUrl = HttpProbes.trimSlash(baseUrl);
        this.model = model == null || model.isBlank() ? null : model.trim();
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    @Override
    public String service() {
        return "claude";
    }

    /** Without a key (a worker-only instance) there is nothing to probe. */
    @Override
    public boolean configured() {
        return baseUrl != null && model != null && apiKey != null;
    }

    @Override
    public void probe(Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(baseUrl + "/v1/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8)))
                .timeout(timeout)
                .header("x-api-key", apiKey)
                .header("anthropic-version", ANTHROPIC_VERSION)
                .GET()
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
            return;
        }
        throw switch (status) {
            case 401, 403 -> new ProbeFailure(ServiceHealth.KIND_REJECTED_KEY, "API key rejected (HTTP " + status + ")");
            case 404 -> new ProbeFailure(ServiceHealth.KIND_UNKNOWN_MODEL, "model " + model + " unknown (HTTP 404)");
            case 429 -> new ProbeFailure(ServiceHealth.KIND_RATE_LIMITED, "rate limited (HTTP 429)");
            case 503, 529 -> new ProbeFailure(ServiceHealth.KIND_OVERLOADED, "overloaded (HTTP " + status + ")");
            default -> new ProbeFailure(ServiceHealth.KIND_DOWN, "HTTP " + status);
        };
    }
}
