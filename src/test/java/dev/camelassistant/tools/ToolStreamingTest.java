package dev.camelassistant.tools;

/**
 * The tool loop of {@link ToolLoopTest} with CLAUDE_STREAMING=true: every answer comes as server-sent
 * events, a tool_use block's input as input_json_delta pieces; the follow-up request, the reply and
 * the errors must be the same.
 */
class ToolStreamingTest extends ToolLoopTest {

    @Override
    String streaming() {
        return "true";
    }
}
