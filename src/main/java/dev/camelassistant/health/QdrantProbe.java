package dev.camelassistant.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code GET {QDRANT_URL}/readyz}: healthy on any 2xx. */
public final class QdrantProbe implements ServiceProbe {

    private final HttpClient http;
    private final String baseUrl;

    /** @param baseUrl null or blank when QDRANT_URL is not set */
    public QdrantProbe(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = HttpProbes.trimSlash(baseUrl);
    }

    @Override
    public String service() {
        return "qdrant";
    }

    @Override
    public boolean configured() {
        return baseUrl != null;
    }

    @Override
    public void probe(Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                .timeout(timeout)
                .GET()
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
            throw new ProbeFailure(ServiceHealth.KIND_DOWN,
                    "not ready (HTTP " + status + ")");
        }
    }
}
