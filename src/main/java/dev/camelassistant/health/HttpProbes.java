package dev.camelassistant.health;

import java.net.http.HttpClient;
import java.time.Duration;

/** The HTTP client the Qdrant and Claude probes share. */
public final class HttpProbes {

    private HttpProbes() {
    }

    /** HTTP/1.1 (no h2c upgrade dance with plain-http services), no redirects. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static String trimSlash(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
