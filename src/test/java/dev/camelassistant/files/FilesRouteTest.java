package dev.camelassistant.files;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram.PhotoSize;
import dev.camelassistant.support.LogCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Photos, PDFs and files through the real routes: camel-telegram polls the fake Bot API, route
 * telegram-file calls its getFile and downloads over camel-http, and the fake Anthropic API receives
 * the blocks before the text. Replies that need no Claude are checked to make no Claude request.
 */
class FilesRouteTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long CHAT = ADMIN_CHAT;
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void echo() {
        claude.reset();
        claude.echoes(0);
    }

    List<LoggedRequest> claudeRequests() {
        return claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")));
    }

    /** Waits for the chat's next reply after {@code before} replies; returns its text. */
    String replyAfter(int before) {
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.sentTo(CHAT).size() > before);
        return telegram.sentTo(CHAT).get(before).text();
    }

    /** The content of the last user turn of the newest request to Claude. */
    JsonNode lastUserContent() throws Exception {
        List<LoggedRequest> all = claudeRequests();
        JsonNode body = JSON.readTree(all.get(0).getBodyAsString()); // WireMock lists the newest first
        JsonNode messages = body.path("messages");
        return messages.get(messages.size() - 1).path("content");
    }

    @Test
    void aPhotoReachesClaudeAsItsLargestFittingSizeBeforeTheCaption() throws Exception {
        byte[] small = TestFiles.image(90, 60, "png");
        byte[] large = TestFiles.image(900, 600, "png");
        int before = telegram.sentTo(CHAT).size();
        int getFiles = telegram.getFileRequests().size();
        telegram.sendPhoto(CHAT, "What is in this picture?", new PhotoSize(small, 90, 60), new PhotoSize(large, 900, 600));
        assertThat(replyAfter(before)).isEqualTo("echo: What is in this picture?");

        JsonNode content = lastUserContent();
        assertThat(content).hasSize(2);
        assertThat(content.get(0).path("type").asText()).isEqualTo("image");
        assertThat(content.get(0).path("source").path("type").asText()).isEqualTo("base64");
        assertThat(content.get(0).path("source").path("media_type").asText()).as("from the bytes' signature").isEqualTo("image/png");
        assertThat(content.get(0).path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(large));
        assertThat(content.get(1).path("type").asText()).isEqualTo("text");
        assertThat(content.get(1).path("text").asText()).isEqualTo("What is in this picture?");
        assertThat(telegram.getFileRequests().size() - getFiles).as("one size fetched").isEqualTo(1);
    }

    @Test
    void aPhotoWithoutCaptionAsksClaudeToLookAtIt() throws Exception {
        byte[] jpeg = TestFiles.image(320, 240, "jpg");
        int before = telegram.sentTo(CHAT).size();
        telegram.sendPhoto(CHAT, null, new PhotoSize(jpeg, 320, 240));
        assertThat(replyAfter(before)).isEqualTo("echo: " + FileReplies.LOOK_AT_IMAGE);
        JsonNode content = lastUserContent();
        assertThat(content.get(0).path("source").path("media_type").asText()).isEqualTo("image/jpeg");
        assertThat(content.get(0).path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(jpeg));
    }

    @Test
    void anImageSentAsAFileWiderThan8000PxIsScaledDown() throws Exception {
        byte[] wide = TestFiles.image(9000, 300, "png");
        int before = telegram.sentTo(CHAT).size();
        telegram.sendDocument(CHAT, "Read the banner", "banner.png", "image/png", wide, wide.length);
        assertThat(replyAfter(before)).isEqualTo("echo: Read the banner");
        JsonNode source = lastUserContent().get(0).path("source");
        assertThat(source.path("media_type").asText()).isEqualTo("image/jpeg");
        java.awt.image.BufferedImage sent = javax.imageio.ImageIO.read(
                new java.io.ByteArrayInputStream(Base64.getDecoder().decode(source.path("data").asText())));
        assertThat(sent.getWidth()).isLessThanOrEqualTo(8000).isEqualTo(Images.SCALED_LONG_EDGE);
    }

    @Test
    void aTextFileIsATextDocumentWithItsContent() throws Exception {
        String markdown = "# Shopping\n- bread\n- café au lait\n";
        int before = telegram.sentTo(CHAT).size();
        telegram.sendDocument(CHAT, "Sort this list", "list.md", "text/markdown", markdown.getBytes(StandardCharsets.UTF_8), 40);
        assertThat(replyAfter(before)).isEqualTo("echo: Sort this list");
        JsonNode block = lastUserContent().get(0);
        assertThat(block.path("type").asText()).isEqualTo("document");
        assertThat(block.path("source").path("type").asText()).isEqualTo("text");
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("text/plain");
        assertThat(block.path("source").path("data").asText()).isEqualTo(markdown);
    }

    @Test
    void aPdfIsABase64DocumentAndTheDefaultTextAsksToReadIt() throws Exception {
        byte[] pdf = TestFiles.pdf(3);
        int before = telegram.sentTo(CHAT).size();
        telegram.sendDocument(CHAT, null, "letter.pdf", "application/pdf", pdf, pdf.length);
        assertThat(replyAfter(before)).isEqualTo("echo: " + FileReplies.READ_DOCUMENT);
        JsonNode block = lastUserContent().get(0);
        assertThat(block.path("type").asText()).isEqualTo("document");
        assertThat(block.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("application/pdf");
        assertThat(block.path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(pdf));
    }

    @Test
    void aPdfOver100PagesIsExplainedWithoutClaude() {
        byte[] pdf = TestFiles.pdf(101);
        int before = telegram.sentTo(CHAT).size();
        int requests = claudeRequests().size();
        telegram.sendDocument(CHAT, "Summarise", "book.pdf", "application/pdf", pdf, pdf.length);
        assertThat(replyAfter(before)).contains("101 pages").contains("at most 100");
        assertThat(claudeRequests()).hasSize(requests);
    }

    @Test
    void aFileOver20MbIsRefusedWithoutGetFileWhileASmallOneIsFetched() {
        int before = telegram.sentTo(CHAT).size();
        int getFiles = telegram.getFileRequests().size();
        int requests = claudeRequests().size();
        telegram.sendDocument(CHAT, "Summarise", "huge.pdf", "application/pdf", TestFiles.pdf(1), 25L * 1024 * 1024);
        assertThat(replyAfter(before)).contains("25.0 MB").contains("at most 20 MB");
        assertThat(telegram.getFileRequests()).hasSize(getFiles);
        assertThat(claudeRequests()).hasSize(requests);
        // control: the same file at its real size is fetched (one getFile) and reaches Claude
        byte[] pdf = TestFiles.pdf(1);
        telegram.sendDocument(CHAT, "Summarise", "small.pdf", "application/pdf", pdf, pdf.length);
        assertThat(replyAfter(before + 1)).isEqualTo("echo: Summarise");
        assertThat(telegram.getFileRequests()).hasSize(getFiles + 1);
        assertThat(claudeRequests()).hasSize(requests + 1);
    }

    @Test
    void voiceAndUnsupportedFilesGetOneLineWithoutClaudeWhileAPhotoReachesIt() {
        int before = telegram.sentTo(CHAT).size();
        int requests = claudeRequests().size();
        int getFiles = telegram.getFileRequests().size();
        telegram.sendVoice(CHAT);
        String voice = replyAfter(before);
        assertThat(voice).contains("voice messages").contains("PDFs").doesNotContain("\n");
        telegram.sendDocument(CHAT, null, "archive.zip", "application/zip", new byte[] {'P', 'K', 3, 4}, 4);
        assertThat(replyAfter(before + 1)).contains("application/zip").contains("text files");
        assertThat(claudeRequests()).hasSize(requests);
        assertThat(telegram.getFileRequests()).hasSize(getFiles);
        // control: a photo is read and goes to Claude
        telegram.sendPhoto(CHAT, "And this?", new PhotoSize(TestFiles.image(50, 50, "jpg"), 50, 50));
        assertThat(replyAfter(before + 2)).isEqualTo("echo: And this?");
        assertThat(claudeRequests()).hasSize(requests + 1);
    }

    @Test
    void noFileBytesReachALogLineAndTheInboxForgetsTheReferenceOnceAnswered() throws Exception {
        String secret = "PRIVATE-LETTER-CONTENT-4711";
        byte[] text = ("Dear bank,\n" + secret + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] jpeg = TestFiles.image(200, 100, "jpg");
        String jpegBase64 = Base64.getEncoder().encodeToString(jpeg).substring(0, 48);
        int before = telegram.sentTo(CHAT).size();
        long update;
        try (LogCapture logs = LogCapture.json()) {
            telegram.sendDocument(CHAT, "Answer this letter", "letter.txt", "text/plain", text, text.length);
            assertThat(replyAfter(before)).isEqualTo("echo: Answer this letter");
            update = telegram.sendPhoto(CHAT, "and this", new PhotoSize(jpeg, 200, 100));
            assertThat(replyAfter(before + 1)).isEqualTo("echo: and this");
            // control: the captured log has the lines about these files
            assertThat(logs.lines()).anyMatch(l -> l.contains("read for Claude") && l.contains("text/plain"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("read for Claude") && l.contains("photo"));
            assertThat(logs.lines()).noneMatch(l -> l.contains(secret) || l.contains(jpegBase64) || l.contains("letter.txt")
                                                    || l.contains(FakeTelegram_TOKEN_PART));
        }
        long messageId = telegram.messageIdOf(update);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, attachment FROM telegram_inbox WHERE chat_id = " + CHAT
                                           + " AND message_id = " + messageId)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("answered");
            assertThat(rs.getString(2)).isNull();
        }
    }

    static final String FakeTelegram_TOKEN_PART = dev.camelassistant.support.FakeTelegram.TOKEN.substring(
            dev.camelassistant.support.FakeTelegram.TOKEN.indexOf(':') + 1);
}
