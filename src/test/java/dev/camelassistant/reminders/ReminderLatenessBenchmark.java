package dev.camelassistant.reminders;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.Sql;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How late reminders reach Telegram: 100 reminders, stored encrypted as the tool stores them, due 100 ms
 * apart over 10 s in 25 chats (each chat one every 2.5 s, so Telegram's limits of 1 per second per chat
 * and 30 per second hold none back), through the whole bot in one process: the reminders-due round
 * (reminders.poll-ms, 500 by default), the claim with its outbox row, the outbox, the lanes, camel-telegram
 * and a loopback fake Telegram. Lateness is the time from a reminder's due time to its sendMessage
 * arriving at the fake; "claimed" is the lateness the scheduler measured at the claim (audit
 * reminder_fired). Printed as one "bench:" line. Not run by default: {@code mvn test -Dtest=ReminderLatenessBenchmark}.
 */
class ReminderLatenessBenchmark extends BotRouteTestSupport {

    private static final long FIRST_CHAT = 93_000;
    private static final int CHATS = 25;
    private static final int REMINDERS = 100;

    @Override
    protected void extraProperties(Properties p) {
        fakeClaude(p);
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            chats.add(String.valueOf(FIRST_CHAT + i));
        }
        p.put("telegram.allowed-chat-ids", String.join(",", chats));
    }


    @Test
    void latenessOf100Reminders() throws Exception {
        ReminderStore store = context.getRegistry().lookupByNameAndType("reminderStore", ReminderStore.class);
        long wall = System.currentTimeMillis();
        long nano = System.nanoTime();
        Instant start = Instant.ofEpochMilli(wall).plusSeconds(3);
        long[] dueNanos = new long[REMINDERS];
        for (int i = 0; i < REMINDERS; i++) {
            Instant due = start.plusMillis(100L * i);
            store.schedule(FIRST_CHAT + i % CHATS, null, "reminder " + i, due, due, null, false);
            dueNanos[i] = nano + (due.toEpochMilli() - wall) * 1_000_000;
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> telegram.sentCount() >= REMINDERS);

        List<Long> lateness = new ArrayList<>();
        for (int c = 0; c < CHATS; c++) {
            List<Long> arrivals = telegram.receivedAt(FIRST_CHAT + c);
            assertThat(arrivals).as("chat %d", c).hasSize(REMINDERS / CHATS);
            for (int k = 0; k < arrivals.size(); k++) {
                lateness.add((arrivals.get(k) - dueNanos[c + k * CHATS]) / 1_000_000);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Sql.count(db.dataSource(),
                "SELECT count(*) FROM audit_trail WHERE action = 'reminder_fired'") == REMINDERS);
        List<Long> claimed = new ArrayList<>();
        for (int i = 0; i < REMINDERS; i++) {
            claimed.add(Sql.count(db.dataSource(), "SELECT (metadata->>'latenessMs')::bigint FROM audit_trail WHERE action ="
                    + " 'reminder_fired' ORDER BY (metadata->>'latenessMs')::bigint OFFSET " + i + " LIMIT 1"));
        }
        lateness.sort(null);
        System.out.printf("bench: reminder lateness over %d reminders (due 100 ms apart, %d chats, reminders.poll-ms %s):"
                          + " at Telegram median %d ms, p90 %d ms, worst %d ms; claimed median %d ms, worst %d ms"
                          + " (goal: under 2 s)%n", REMINDERS, CHATS, context.resolvePropertyPlaceholders("{{reminders.poll-ms}}"),
                lateness.get(REMINDERS / 2), lateness.get(REMINDERS * 9 / 10), lateness.get(REMINDERS - 1),
                claimed.get(REMINDERS / 2), claimed.get(REMINDERS - 1));
        assertThat(lateness.get(REMINDERS - 1)).as("worst lateness, ms").isLessThan(2_000);
    }
}
