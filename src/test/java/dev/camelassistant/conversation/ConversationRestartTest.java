package dev.camelassistant.conversation;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.config.AppConfiguration;
import dev.camelassistant.management.ManagementServerFactory;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Memory is in the database: a new Camel context on the same database goes on with the conversation. */
class ConversationRestartTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        claude.cachingEchoes(0);
    }


    @Test
    void theConversationGoesOnAfterARestart() throws Exception {
        telegram.sendText(FRIEND_CHAT, "My locker code is Oleander.");
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(FRIEND_CHAT).size() == 1);
        context.stop();

        Main restarted = new Main();
        AppConfiguration.addTo(restarted.configure());
        restarted.bind("managementServerFactory", new ManagementServerFactory());
        Properties p = useOverridePropertiesWithPropertiesComponent();
        p.put("app.http-port", String.valueOf(freePort()));
        p.forEach((k, v) -> restarted.addOverrideProperty((String) k, (String) v));
        restarted.start();
        try {
            telegram.sendText(FRIEND_CHAT, "What is my locker code?");
            await().atMost(Duration.ofSeconds(20)).until(() -> telegram.sentTo(FRIEND_CHAT).size() == 2);
        } finally {
            restarted.stop();
        }
        JsonNode request = null;
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            if (FakeClaude.lastUserText(body).equals("What is my locker code?")) {
                request = body;
            }
        }
        assertThat(request).isNotNull();
        assertThat(request.path("messages")).hasSize(3);
        assertThat(FakeClaude.textOf(request.path("messages").get(0).path("content"))).isEqualTo("My locker code is Oleander.");
        assertThat(FakeClaude.textOf(request.path("messages").get(1).path("content")))
                .isEqualTo("echo: My locker code is Oleander.");
    }
}
