package dev.camelassistant.telegram;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveRepliesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstTextWaitsForASentenceOrASecond() {
        assertThat(LiveReplies.firstTextReady("Hello wor", 0, SECOND)).isFalse();
        assertThat(LiveReplies.firstTextReady("Hello world. Th", 0, SECOND)).isTrue();
        assertThat(LiveReplies.firstTextReady("Really? Yes", 0, SECOND)).isTrue();
        assertThat(LiveReplies.firstTextReady("A list:\n- one", 0, SECOND)).isTrue();
        assertThat(LiveReplies.firstTextReady("He said \"done.\" Then", 0, SECOND)).isTrue();
        assertThat(LiveReplies.firstTextReady("version 4.17", 0, SECOND)).as("a dot inside a word ends nothing").isFalse();
        assertThat(LiveReplies.firstTextReady("Hello wor", SECOND, SECOND)).isTrue();
        assertThat(LiveReplies.firstTextReady("Hello wor", SECOND - 1, SECOND)).isFalse();
    }
}
