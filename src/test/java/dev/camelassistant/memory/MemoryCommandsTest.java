package dev.camelassistant.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.tools.ToolException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** /memory, /forget and the tools' answers, on the real store; the confirmation of /forget all with a clock of the test's. */
class MemoryCommandsTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));

    private final List<AuditEntry> audited = new ArrayList<>();
    private final AuditEvents audit = new AuditEvents(audited::add, new BotMetrics(new SimpleMeterRegistry(), "m"));
    private final MemoryNotes notes = new MemoryNotes(new MemoryStore(DB.dataSource(), CIPHER), 2000);
    private final MovableClock clock = new MovableClock();
    private final MemoryCommands commands = new MemoryCommands(notes, audit, clock);
    private final MemoryTools tools = new MemoryTools(notes, audit);

    @Test
    void memoryListsTheNotesNumberedAndEscaped() throws Exception {
        long chat = 8_001;
        assertThat(commands.list(message(chat, "/memory"))).startsWith("I have no notes about you yet.");
        notes.save(chat, "Lives in Berlin");
        notes.save(chat, "Likes *bold* claims\nand two lines");
        assertThat(commands.list(message(chat, "/memory"))).isEqualTo("""
                What I remember (kept until you delete it):
                1. Lives in Berlin
                2. Likes \\*bold\\* claims and two lines

                /forget <number> deletes one, /forget all deletes every note.""");
    }

    @Test
    void forgetANumberDeletesThatNoteOfTheListAndIsAudited() throws Exception {
        long chat = 8_101;
        notes.save(chat, "one");
        notes.save(chat, "two");
        notes.save(chat, "three");
        assertThat(commands.forget(message(chat, "/forget 2"))).isEqualTo("Forgotten: two");
        assertThat(notes.list(chat)).extracting(MemoryStore.Note::text).containsExactly("one", "three");
        assertThat(audited).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("memory_deleted");
            assertThat(e.metadata()).containsEntry("count", 1).containsEntry("scope", "one").containsEntry("chatId", "8101");
            assertThat(e.metadata().toString()).doesNotContain("two");
        });

        assertThat(commands.forget(message(chat, "/forget 3"))).isEqualTo("There is no note 3: /memory lists them, numbered 1 to 2.");
        assertThat(commands.forget(message(chat, "/forget 0"))).startsWith("There is no note 0");
        assertThat(commands.forget(message(chat, "/forget"))).startsWith("Usage: /forget <number>");
        assertThat(commands.forget(message(chat, "/forget two"))).startsWith("Usage: /forget <number>");
        assertThat(notes.list(chat)).hasSize(2);
        assertThat(audited).hasSize(1);
    }

    @Test
    void forgetAllAsksAndOnlyYesFromTheSamePersonInTimeDeletes() throws Exception {
        long chat = 8_201;
        assertThat(commands.forget(message(chat, "/forget all"))).isEqualTo("There are no notes to delete.");
        notes.save(chat, "one");
        notes.save(chat, "two");

        // "no" keeps them
        assertThat(commands.forget(message(chat, "/forget ALL"))).isEqualTo("Delete all 2 notes? Reply yes or no.");
        Exchange no = message(chat, "No.");
        commands.takeConfirmation(no);
        assertThat(no.getVariable(MemoryCommands.CONFIRMATION)).isEqualTo("no");
        assertThat(commands.confirm(no)).isEqualTo("Kept your notes.");
        assertThat(notes.list(chat)).hasSize(2);

        // anything else cancels: a later "yes" answers nothing
        commands.forget(message(chat, "/forget all"));
        Exchange other = message(chat, "What's the weather?");
        commands.takeConfirmation(other);
        assertThat(other.getVariables()).doesNotContainKey(MemoryCommands.CONFIRMATION);
        Exchange lateYes = message(chat, "yes");
        commands.takeConfirmation(lateYes);
        assertThat(lateYes.getVariables()).doesNotContainKey(MemoryCommands.CONFIRMATION);

        // too late
        commands.forget(message(chat, "/forget all"));
        clock.advance(MemoryCommands.CONFIRM_WITHIN.plusSeconds(1));
        Exchange expired = message(chat, "yes");
        commands.takeConfirmation(expired);
        assertThat(expired.getVariables()).doesNotContainKey(MemoryCommands.CONFIRMATION);

        // someone else in the group neither answers nor cancels
        commands.forget(message(chat, "/forget all"));
        Exchange stranger = message(chat, "yes");
        stranger.getMessage().setHeader(Headers.USER_ID, "someone-else");
        commands.takeConfirmation(stranger);
        assertThat(stranger.getVariables()).doesNotContainKey(MemoryCommands.CONFIRMATION);
        assertThat(notes.list(chat)).hasSize(2);
        assertThat(audited).isEmpty();

        // the control: yes, in time, from the person who asked
        Exchange yes = message(chat, " Yes! ");
        commands.takeConfirmation(yes);
        assertThat(yes.getVariable(MemoryCommands.CONFIRMATION)).isEqualTo("yes");
        assertThat(commands.confirm(yes)).isEqualTo("Deleted all 2 notes.");
        assertThat(notes.list(chat)).isEmpty();
        assertThat(DB.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isZero();
        assertThat(audited).singleElement().satisfies(e -> assertThat(e.metadata())
                .containsEntry("count", 2).containsEntry("scope", "all"));
    }

    @Test
    void answersAreYesOrNoOnly() {
        assertThat(MemoryCommands.answer("YES")).isEqualTo("yes");
        assertThat(MemoryCommands.answer("no!")).isEqualTo("no");
        assertThat(MemoryCommands.answer("yes please")).isNull();
        assertThat(MemoryCommands.answer("nope")).isNull();
        assertThat(MemoryCommands.answer(null)).isNull();
        assertThat(MemoryCommands.argument("/forget@my_bot  all ")).isEqualTo("all");
    }

    @Test
    void theToolsAnswerClaudeAndDeleteOnlyTheChatsOwnNotes() throws Exception {
        long chat = 8_301;
        Exchange save = message(chat, null);
        save.getMessage().setHeader("text", "Has two daughters");
        String saved = tools.saveMemory(save);
        long id = notes.list(chat).get(0).id();
        assertThat(saved).isEqualTo("Saved as note [" + id + "].");

        Exchange foreign = message(8_302, null);
        foreign.getMessage().setHeader("id", (int) id);
        assertThatThrownBy(() -> tools.deleteMemory(foreign)).isInstanceOf(ToolException.class)
                .hasMessageStartingWith("There is no note [" + id + "] in this chat");
        assertThat(audited).isEmpty();

        Exchange delete = message(chat, null);
        delete.getMessage().setHeader("id", (int) id);
        assertThat(tools.deleteMemory(delete)).isEqualTo("Deleted note [" + id + "].");
        assertThat(notes.list(chat)).isEmpty();
        assertThat(audited).singleElement().satisfies(e -> assertThat(e.metadata()).containsEntry("by", "claude"));
    }

    static Exchange message(long chat, String text) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        exchange.getMessage().setHeader(Headers.USER_ID, "user-" + chat);
        exchange.getMessage().setBody(text);
        return exchange;
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
