package dev.camelassistant.logging;

import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.MDC;

/**
 * First step of every inbound route: gives the exchange a UUID correlation id as the
 * {@code correlationId} header (which travels through seda and wireTap copies) and in MDC.
 * camel-mdc ({@code camel.mdc.customHeaders=correlationId} in application.properties) puts it back
 * into MDC on every thread that routes the exchange afterwards.
 */
public final class CorrelationId implements Processor {

    public static final String HEADER = "correlationId";

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(HEADER, String.class);
        if (id == null || id.isBlank()) {
            id = UUID.randomUUID().toString();
            exchange.getMessage().setHeader(HEADER, id);
        }
        MDC.put(HEADER, id);
    }

    /** The short form printed in error replies, which /audit accepts too. */
    public static String shortForm(String correlationId) {
        return correlationId == null ? "" : correlationId.length() > 8 ? correlationId.substring(0, 8) : correlationId;
    }
}
