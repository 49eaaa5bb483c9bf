package dev.camelassistant.llm;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web tools' definitions, their versions by model, and the beta header of the basic fetch version. */
class WebToolsTest {

    @Test
    void opusAndSonnetFromFourSixGetTheNewestVersionsWithoutABetaHeader() {
        WebTools web = WebTools.of(true, "claude-sonnet-4-6", 5, List.of("example.com", "docs.example.org/api"), List.of());
        JsonNode tools = web.definitions();
        assertThat(tools.toString()).isEqualTo("[{\"type\":\"web_search_20260318\",\"name\":\"web_search\",\"max_uses\":5,"
                + "\"allowed_domains\":[\"example.com\",\"docs.example.org/api\"]},"
                + "{\"type\":\"web_fetch_20260318\",\"name\":\"web_fetch\",\"max_uses\":5,"
                + "\"allowed_domains\":[\"example.com\",\"docs.example.org/api\"],\"citations\":{\"enabled\":true}}]");
        assertThat(web.betaHeader()).isNull();
        for (String model : List.of("claude-opus-4-6", "claude-opus-4-7", "claude-sonnet-4-6-20260217", "claude-sonnet-5",
                "claude-opus-5-1")) {
            assertThat(WebTools.dynamicFiltering(model)).as(model).isTrue();
        }
    }

    @Test
    void otherModelsGetTheBasicVersionsAndTheFetchBeta() {
        WebTools web = WebTools.of(true, "claude-haiku-4-5", 3, List.of(), List.of("pinterest.com"));
        JsonNode tools = web.definitions();
        assertThat(tools.get(0).path("type").asText()).isEqualTo("web_search_20250305");
        assertThat(tools.get(1).path("type").asText()).isEqualTo("web_fetch_20250910");
        assertThat(tools.get(0).path("blocked_domains").toString()).isEqualTo("[\"pinterest.com\"]");
        assertThat(tools.get(0).has("allowed_domains")).isFalse();
        assertThat(tools.get(1).path("max_uses").asInt()).isEqualTo(3);
        assertThat(web.betaHeader()).isEqualTo("web-fetch-2025-09-10");
        for (String model : List.of("claude-sonnet-4-5-20250929", "claude-opus-4-20250514", "claude-opus-4-1-20250805",
                "claude-3-7-sonnet-20250219", "claude-haiku-4-6", "some-proxy-model", "")) {
            assertThat(WebTools.dynamicFiltering(model)).as(model).isFalse();
        }
    }

    @Test
    void theBetaHeaderGoesOutWithTheRequestOfABasicVersion() {
        org.apache.camel.Exchange e = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        e.getMessage().setBody("hello");
        ClaudeClient client = new ClaudeClient("key", "claude-haiku-4-5", 100, "", null, null, false);
        client.useWebTools(WebTools.of(true, "claude-haiku-4-5", 5, List.of(), List.of()));
        client.prepareRequest(e);
        assertThat(e.getMessage().getHeader("anthropic-beta")).isEqualTo("web-fetch-2025-09-10");
        assertThat(e.getMessage().getBody(String.class)).contains("\"web_fetch_20250910\"");
        ClaudeHeaderFilter filter = new ClaudeHeaderFilter();
        assertThat(filter.applyFilterToCamelHeaders("anthropic-beta", "web-fetch-2025-09-10", e)).as("sent").isFalse();
        assertThat(filter.applyFilterToCamelHeaders("chatId", "1", e)).as("the control: kept home").isTrue();
        // the newest versions need none
        org.apache.camel.Exchange newest = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        newest.getMessage().setBody("hello");
        client.useWebTools(WebTools.of(true, "claude-sonnet-4-6", 5, List.of(), List.of()));
        client.prepareRequest(newest);
        assertThat(newest.getMessage().getHeader("anthropic-beta")).isNull();
    }

    @Test
    void disabledMeansNoToolsAndNoHeader() {
        WebTools off = WebTools.of(false, "claude-sonnet-4-6", 5, List.of(), List.of());
        assertThat(off.enabled()).isFalse();
        assertThat(off.definitions()).isEmpty();
        assertThat(off.betaHeader()).isNull();
        assertThat(WebTools.of(true, "claude-sonnet-4-6", 5, List.of(), List.of()).definitions()).as("the control").hasSize(2);
    }

    @Test
    void bothDomainListsAreRefused() {
        assertThatThrownBy(() -> WebTools.of(true, "claude-sonnet-4-6", 5, List.of("a.com"), List.of("b.com")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
