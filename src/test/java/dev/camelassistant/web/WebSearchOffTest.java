package dev.camelassistant.web;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** WEB_SEARCH=false: requests offer neither web tool (WebAnswersTest is the control, with them on). */
class WebSearchOffTest extends BotRouteTestSupport {

    FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("web.search", "false");
    }

    @Test
    void noWebToolIsOffered() throws Exception {
        claude.answers("fine", 0);
        telegram.sendText(ADMIN_CHAT, "W-off hello");
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.sentTo(ADMIN_CHAT).stream().anyMatch(s -> s.text().contains("fine")));
        var request = claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages"))).stream()
                .filter(r -> r.getBodyAsString().contains("W-off")).findFirst().orElseThrow();
        String tools = new ObjectMapper().readTree(request.getBodyAsString()).path("tools").toString();
        assertThat(tools).doesNotContain("web_search").doesNotContain("web_fetch");
        assertThat(request.containsHeader("anthropic-beta")).isFalse();
    }
}
