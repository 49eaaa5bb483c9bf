package dev.camelassistant.health;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.ClaudeFailure;

/**
 * {@code GET {ANTHROPIC_BASE_URL}/v1/models/{CLAUDE_MODEL}} with the API key: proves the API answers,
 * the key is accepted and the model exists, without a completion (no tokens are spent).
 * A failed status gets its kind and description from {@link ClaudeFailure}, as a failed request does
 * (401/403 rejected key, 404 unknown model, 529/503 overloaded, 429 rate limited); any other
 * status is "down".
 */
public final class ClaudeProbe implements ServiceProbe {

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
                .header("anthropic-version", ClaudeClient.API_VERSION)
                .GET()
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
            return;
        }
        ClaudeFailure failure = ClaudeFailure.ofStatus(status);
        throw new ProbeFailure(failure == ClaudeFailure.OTHER ? ServiceHealth.KIND_DOWN : failure.kind(),
                ClaudeFailure.describeStatus(status, model, null));
    }
}
