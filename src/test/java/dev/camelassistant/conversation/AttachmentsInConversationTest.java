package dev.camelassistant.conversation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.llm.Attachment;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.Turn;
import dev.camelassistant.support.TestDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Photos and documents kept with their conversation: the token estimate Anthropic documents, the window
 * that re-sends them while they fit (and goes on without them after), the request they go in, and the
 * store that keeps them sealed and bound.
 */
class AttachmentsInConversationTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final ObjectMapper JSON = new ObjectMapper();
    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));

    static String png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static ObjectNode image(String base64) {
        ObjectNode block = JSON.createObjectNode().put("type", "image");
        block.putObject("source").put("type", "base64").put("media_type", "image/png").put("data", base64);
        return block;
    }

    static ObjectNode pdf(int pages) {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n1 0 obj << /Type /Pages /Count " + pages + " >> endobj\n");
        for (int i = 0; i < pages; i++) {
            pdf.append(i + 2).append(" 0 obj << /Type /Page /Parent 1 0 R >> endobj\n");
        }
        ObjectNode block = JSON.createObjectNode().put("type", "document");
        block.putObject("source").put("type", "base64").put("media_type", "application/pdf")
                .put("data", Base64.getEncoder().encodeToString(pdf.toString().getBytes()));
        return block;
    }

    @Test
    void imagesAndPdfsAreCountedAsAnthropicDocumentsThem() throws Exception {
        assertThat(Attachment.of(image(png(300, 250))).tokens()).as("300 × 250 / 750").isEqualTo(100);
        assertThat(Attachment.of(image(png(2000, 2000))).tokens()).as("scaled by the API to about 1,600").isEqualTo(1600);
        assertThat(Attachment.of(pdf(3)).tokens()).as("3 pages, not counting /Pages").isEqualTo(3 * 2500);
        ObjectNode text = JSON.createObjectNode().put("type", "document");
        text.putObject("source").put("type", "text").put("media_type", "text/plain").put("data", "x".repeat(70));
        assertThat(Attachment.of(text).tokens()).isEqualTo(20);
    }

    @Test
    void anExchangeWhosePhotoNoLongerFitsGoesOnWithoutItAndSaysSo() {
        Attachment photo = new Attachment(image("AAAA"), 1000);
        List<Turn> history = new ArrayList<>(List.of(new Turn(Turn.Role.USER, "what is on this photo?", List.of(photo)),
                Turn.assistant("A cat."), Turn.user("and its colour?"), Turn.assistant("Grey.")));
        // the budget holds the photo
        List<Turn> roomy = ContextWindow.select(history, 2000, "", Turn.user("name?"), 1.0);
        assertThat(roomy.get(0).attachments()).containsExactly(photo);
        // it no longer does: the exchange stays, its photo goes, and its text says so
        List<Turn> tight = ContextWindow.select(history, 500, "", Turn.user("name?"), 1.0);
        assertThat(tight).hasSize(4);
        assertThat(tight.get(0).attachments()).isEmpty();
        assertThat(tight.get(0).text()).startsWith("(1 file sent with this message is no longer attached").endsWith("what is on this photo?");
        // a question that carries a photo takes its share of the budget
        List<Turn> withPhoto = ContextWindow.select(history, 1500, "", new Turn(Turn.Role.USER, "this one?", List.of(photo)), 1.0);
        assertThat(withPhoto.get(0).attachments()).isEmpty();
    }

    @Test
    void theRequestPutsThePhotosBeforeTheTextInTheirTurn() {
        ClaudeClient client = new ClaudeClient("key", "model", 100, "Prompt.", null, null, false);
        Attachment photo = new Attachment(image("AAAA"), 1);
        List<Turn> history = List.of(new Turn(Turn.Role.USER, "look", List.of(photo)), Turn.assistant("A cat."),
                Turn.user("hm"), Turn.assistant("yes"));
        JsonNode messages = client.requestBody(history, "and now?").path("messages");
        assertThat(messages.get(0).path("content").get(0)).isEqualTo(image("AAAA"));
        assertThat(messages.get(0).path("content").get(1).path("text").asText()).isEqualTo("look");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("A cat.");
        assertThat(messages.get(4).path("content").asText()).isEqualTo("and now?");
    }

    @Test
    void theStoreKeepsThemSealedBoundAndInOrder() throws Exception {
        ConversationStore store = new ConversationStore(DB.dataSource(), CIPHER);
        long chat = 501;
        String data = png(20, 10);
        Attachment first = Attachment.of(image(data));
        Attachment second = Attachment.of(pdf(1));
        store.append(chat, false, new Turn(Turn.Role.USER, "compare these", List.of(first, second)), "They differ.", null);
        store.append(chat, false, "thanks", "welcome", null);

        List<Turn> turns = store.current(chat).turns();
        assertThat(turns.get(0).attachments()).containsExactly(first, second);
        assertThat(turns.get(2).attachments()).isEmpty();
        assertThat(DB.count("SELECT count(*) FROM conversation_attachments WHERE payload LIKE '%" + data.substring(0, 20) + "%'"))
                .as("no base64 of the photo in the table").isZero();
        assertThat(DB.count("SELECT count(*) FROM conversation_attachments")).isGreaterThanOrEqualTo(2);

        // swapped positions do not decrypt
        try (var c = DB.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE conversation_attachments SET position = 9 - position WHERE conversation_id ="
                      + " (SELECT id FROM conversations WHERE chat_id = " + chat + ")");
        }
        assertThatThrownBy(() -> store.current(chat)).isInstanceOf(CredentialAuthenticationException.class);

        // deleted with their conversation
        try (var c = DB.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("DELETE FROM conversations WHERE chat_id = " + chat);
        }
        assertThat(DB.count("SELECT count(*) FROM conversation_attachments a WHERE NOT EXISTS"
                            + " (SELECT 1 FROM conversation_turns t WHERE t.conversation_id = a.conversation_id)")).isZero();
    }
}
