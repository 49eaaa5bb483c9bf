package dev.camelassistant.llm;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The request body: the system prompt's blocks, the tools, the tool loop's turns and the cache marks. */
class ClaudeRequestTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static ClaudeClient client(String prompt) {
        return new ClaudeClient("key", "model", 100, prompt, null, null, false);
    }

    @Test
    void theDefaultPromptIsWrittenForMarkdownAndTheSettingReplacesIt() {
        String prompt = client(null).systemPrompt();
        assertThat(prompt).contains("Markdown").contains("save_memory").contains("schedule_reminder")
                .doesNotContain("plain text");
        assertThat(client("  Be brief.  ").systemPrompt()).isEqualTo("Be brief.");
    }

    @Test
    void promptAndNotesAreCachedBlocksAndTheTimeComesLastUnmarked() {
        JsonNode body = client("Prompt.").requestBody(List.of(), Turn.user("Hi"), "[1] Lives in Oslo", "Monday, 7 December 2026, 09:00 (UTC)", null);
        JsonNode system = body.path("system");
        assertThat(system).hasSize(3);
        assertThat(system.get(0).path("text").asText()).isEqualTo("Prompt.");
        assertThat(system.get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(system.get(1).path("text").asText()).isEqualTo("[1] Lives in Oslo");
        assertThat(system.get(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(system.get(2).path("text").asText()).isEqualTo("The current date and time: Monday, 7 December 2026, 09:00 (UTC).");
        assertThat(system.get(2).has("cache_control")).isFalse();
        assertThat(body.has("tools")).as("no tool is up").isFalse();
        // the control: without notes there is no notes block
        assertThat(client("Prompt.").requestBody(List.of(), Turn.user("Hi"), " ", "t", null).path("system")).hasSize(2);
    }

    @Test
    void theToolsAndTheLoopsTurnsFollowWithTheLastResultMarkedAndAtMostFourMarks() throws Exception {
        ClaudeClient client = client("Prompt.");
        client.useTools(() -> JSON.createArrayNode().add(JSON.createObjectNode().put("name", "shout")));
        ArrayNode followUp = (ArrayNode) JSON.readTree("""
                [{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shout","input":{"text":"a"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"A"}]}]""");
        List<Turn> history = List.of(new Turn(Turn.Role.USER, "Earlier?"), new Turn(Turn.Role.ASSISTANT, "Earlier."));
        JsonNode body = client.requestBody(history, Turn.user("Now"), "notes", "time", followUp);
        assertThat(body.path("tools").get(0).path("name").asText()).isEqualTo("shout");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(5);
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Now");
        assertThat(messages.get(4).path("content").get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(followUp.get(1).path("content").get(0).has("cache_control")).as("the loop's own turns stay unmarked").isFalse();
        assertThat(body.toString().split("cache_control", -1)).hasSize(5);
    }
}
