package dev.camelassistant.telegram;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.component.telegram.model.IncomingMessage;
import org.apache.camel.component.telegram.model.UpdateResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** getUpdates' JSON read the way camel-telegram reads it, with WholeUpdates' deserializer on the mapper. */
class WholeUpdatesTest {

    static final String UPDATES = """
            {"ok":true,"result":[
             {"update_id":1,"message":{"message_id":10,"date":1,"chat":{"id":5,"type":"private"},"text":"what does this mean?",
               "reply_to_message":{"message_id":9,"date":1,"chat":{"id":5,"type":"private"},"text":"Carpe diem"},
               "quote":{"text":"diem","position":6}}},
             {"update_id":2,"edited_message":{"message_id":10,"date":1,"edit_date":7,"chat":{"id":5,"type":"private"},"text":"what does it mean?"}},
             {"update_id":3,"channel_post":{"message_id":11,"date":1,"chat":{"id":6,"type":"channel"},"text":"post"}}]}""";

    static ObjectMapper camelTelegramLike() {
        // as TelegramServiceRestBotAPIAdapter makes it: unknown fields ignored
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    @Test
    void theMessageKeepsItsJsonAndAnEditBecomesTheUpdatesMessageMarkedAsOne() throws Exception {
        ObjectMapper mapper = camelTelegramLike();
        WholeUpdates.install(mapper);
        UpdateResult result = mapper.readValue(UPDATES, UpdateResult.class);

        IncomingMessage first = result.getUpdates().get(0).getMessage();
        assertThat(first).isInstanceOf(WholeMessage.class);
        assertThat(first.getText()).isEqualTo("what does this mean?");
        WholeMessage whole = (WholeMessage) first;
        assertThat(whole.edited()).isFalse();
        assertThat(whole.json().path("reply_to_message").path("text").asText()).isEqualTo("Carpe diem");
        assertThat(whole.json().path("quote").path("text").asText()).isEqualTo("diem");

        WholeMessage edit = (WholeMessage) result.getUpdates().get(1).getMessage();
        assertThat(edit.edited()).isTrue();
        assertThat(edit.editDate()).isEqualTo(7);
        assertThat(edit.getText()).isEqualTo("what does it mean?");
        assertThat(edit.getMessageId()).isEqualTo(10L);
        assertThat(result.getUpdates().get(1).getUpdateId()).isEqualTo(2L);

        // what the model reads itself is unchanged: the channel post stays a channel post, no message made up
        assertThat(result.getUpdates().get(2).getMessage()).isNull();
        assertThat(result.getUpdates().get(2).getChannelPost().getText()).isEqualTo("post");
    }

    @Test
    void withoutTheDeserializerTheModelDropsTheEditAndTheReply() throws Exception {
        UpdateResult result = camelTelegramLike().readValue(UPDATES, UpdateResult.class);
        assertThat(result.getUpdates().get(0).getMessage()).isNotInstanceOf(WholeMessage.class);
        assertThat(result.getUpdates().get(1).getMessage()).as("camel-telegram 4.17 has no edited_message").isNull();
    }

    @Test
    void theAdapterStillKeepsItsMapperWhereTheBotReachesIt() {
        assertThat(WholeUpdates.verify()).isNotNull();
    }
}
