package dev.camelassistant.telegram;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.TelegramConstants;

/**
 * Picks the outbound lane of a chat: always the same one, so a chat's messages keep their order.
 * The lanes are the routes {@code telegram-lane-N} of telegram-outbound.camel.yaml, counted once.
 */
public final class OutboundLanes {

    private final CamelContext context;
    private volatile int lanes;

    public OutboundLanes(CamelContext context) {
        this.context = context;
    }

    public int laneFor(Exchange exchange) {
        String chat = exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, "", String.class);
        return Math.floorMod(chat.hashCode(), lanes());
    }

    int lanes() {
        int n = lanes;
        if (n == 0) {
            n = (int) context.getRoutes().stream().filter(r -> r.getRouteId().startsWith("telegram-lane-")).count();
            if (n == 0) {
                throw new IllegalStateException("no telegram-lane-N routes are running");
            }
            lanes = n;
        }
        return n;
    }
}
