package dev.camelassistant.config;

import java.time.Clock;
import java.time.ZoneId;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.tools.ToolComponent;
import dev.camelassistant.tools.ToolMetrics;
import dev.camelassistant.tools.ToolRounds;
import dev.camelassistant.tools.ToolRunner;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/**
 * Claude's tools (tools/): the routes with a {@code tool:} consumer are offered with every request
 * (claudeClient), run by toolRunner within TOOL_TIMEOUT_SECONDS, at most TOOL_MAX_ROUNDS rounds a
 * message (toolRounds, which also states the time in ASSISTANT_TIMEZONE).
 */
public class ToolsConfiguration extends FeatureConfiguration {

    @PropertyInject("tools.max-rounds")
    int maxRounds;
    @PropertyInject("tools.timeout-seconds")
    int timeoutSeconds;
    @PropertyInject("assistant.timezone")
    String timezone;
    @BeanInject("claudeClient")
    ClaudeClient claudeClient;
    @BeanInject("audit")
    AuditEvents audit;

    @BindToRegistry("toolRunner")
    public ToolRunner toolRunner() {
        ToolComponent component = context.getComponent("tool", ToolComponent.class);
        ToolRunner runner = new ToolRunner(context, component.registry(), timeoutSeconds * 1000L, audit,
                new ToolMetrics(CoreConfiguration.meterRegistry(context.getRegistry())));
        claudeClient.useTools(runner::definitions);
        return runner;
    }

    @BindToRegistry("toolRounds")
    public ToolRounds toolRounds(ToolRunner runner) {
        return new ToolRounds(runner, maxRounds, ZoneId.of(timezone.trim()), Clock.systemUTC());
    }
}
