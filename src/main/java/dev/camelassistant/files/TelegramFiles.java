package dev.camelassistant.files;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.llm.Attachment;
import dev.camelassistant.llm.ClaudeClient;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of Telegram messages, for Claude. {@link #fetch} (a step of the conversation route, off the poll
 * thread) turns the message's {@link FileReference} into exchange variable {@value #CLAUDE_ATTACHMENTS}, the
 * Messages API content blocks that go before the user's text, or variable {@value #REFUSAL}, the reply
 * that is sent instead of asking Claude. {@link #blocksOf} does the same for any message's JSON (a
 * replied-to photo or PDF).
 * <p>
 * The bytes come through route {@code telegram-file} (routes/files.camel.yaml): getFile, then the
 * download, over camel-http. The bot token is only in the path header of those calls, set here just
 * before them; it is never in an endpoint URI, a log line or an exception that leaves that route.
 * Kind, size and MIME type are logged and audited; bytes, file names and captions never.
 */
public class TelegramFiles {

    /**
     * Exchange variable {@value ClaudeClient#ATTACHMENTS}: {@code List<llm.Attachment>}, the content blocks of the
     * message's files (with their token estimates), in order, put before the user's text by ClaudeClient.
     */
    public static final String CLAUDE_ATTACHMENTS = ClaudeClient.ATTACHMENTS;
    /** Exchange variable: the reply sent instead of asking Claude (a file that cannot be read). */
    public static final String REFUSAL = "attachmentRefusal";
    /** Variables of route telegram-file. */
    static final String FILE_ID = "fileId";
    static final String FILE_FAILURE = "fileFailure";
    static final String FILE_SIZE = "fileSize";
    static final String ROUTE = "direct:telegram-file";

    private static final Logger LOG = LoggerFactory.getLogger(TelegramFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate template;
    private final String token;
    private final FileReplies replies;
    private final AuditEvents audit;

    public TelegramFiles(ProducerTemplate template, String token, FileReplies replies, AuditEvents audit) {
        this.template = template;
        this.token = token;
        this.replies = replies;
        this.audit = audit;
    }

    /** What {@link #blocksOf} found: the blocks (empty when the message has no file), or the reply instead. */
    public record Fetched(List<ObjectNode> blocks, String refusal) {
    }

    /**
     * Conversation route: the message has a file, and no earlier step answers it instead (a budget refusal,
     * a /forget confirmation): only then is the file fetched.
     */
    public boolean wanted(Exchange exchange) {
        return exchange.getMessage().getHeader(FileReference.HEADER) != null && exchange.getVariable("budgetRefusal") == null
               && exchange.getVariable("memoryConfirmation") == null;
    }

    /** Conversation route: the message's file (header {@value FileReference#HEADER}) as blocks, or the refusal. */
    public void fetch(Exchange exchange) {
        FileReference attachment = exchange.getMessage().getHeader(FileReference.HEADER, FileReference.class);
        if (attachment == null) {
            return;
        }
        long started = System.nanoTime();
        Fetched fetched = fetch(attachment);
        long ms = (System.nanoTime() - started) / 1_000_000;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("kind", attachment.kind());
        meta.put("fileSize", attachment.fileSize());
        if (attachment.mimeType() != null) {
            meta.put("mimeType", attachment.mimeType());
        }
        meta.put("ms", ms);
        if (fetched.refusal() != null) {
            exchange.setVariable(REFUSAL, fetched.refusal());
            LOG.info("File of message {} not given to Claude: {}", exchange.getMessage().getHeader("messageId"), attachment);
            audit.action(exchange, "attachment_not_read", meta, AuditEntry.Status.ERROR, null, null);
        } else {
            List<Attachment> attachments = new ArrayList<>(fetched.blocks().size());
            fetched.blocks().forEach(block -> attachments.add(Attachment.of(block)));
            exchange.setVariable(CLAUDE_ATTACHMENTS, attachments);
            LOG.info("File of message {} read for Claude in {} ms: {}", exchange.getMessage().getHeader("messageId"), ms, attachment);
            audit.action(exchange, "attachment_read", meta, AuditEntry.Status.SUCCESS, null, null);
        }
    }

    /**
     * The files of a Telegram message (its JSON, e.g. a {@code reply_to_message}) as content blocks:
     * fetched from Telegram now. No file: no blocks and no refusal. A file the bot does not read, or
     * cannot fetch: the reply that says so.
     */
    public Fetched blocksOf(JsonNode message) {
        FileReference attachment = FileReference.of(message, Images.MAX_BYTES);
        return attachment == null ? new Fetched(List.of(), null) : fetch(attachment);
    }

    Fetched fetch(FileReference attachment) {
        FileTypes.Verdict verdict = FileTypes.of(attachment);
        if (verdict != FileTypes.Verdict.IMAGE && verdict != FileTypes.Verdict.PDF && verdict != FileTypes.Verdict.TEXT) {
            return new Fetched(List.of(), replies.refusal(attachment, verdict));
        }
        Exchange done = template.send(ROUTE, e -> e.setVariable(FILE_ID, attachment.fileId()));
        Object failure = done.getVariable(FILE_FAILURE);
        if (failure != null || done.getException() != null) {
            LOG.warn("File {} could not be fetched from Telegram: {}", attachment,
                    failure != null ? failure : done.getException().getClass().getSimpleName());
            return new Fetched(List.of(), FileTypes.Verdict.TOO_BIG.name().equals(failure)
                    ? replies.refusal(attachment, FileTypes.Verdict.TOO_BIG) : replies.unavailable());
        }
        byte[] bytes = done.getMessage().getBody(byte[].class);
        AttachmentBlocks.Result result = AttachmentBlocks.of(verdict, bytes, attachment);
        if (result.block() == null) {
            LOG.info("File {} not given to Claude: {} ({})", attachment, result.refusal(), result.detail());
            return new Fetched(List.of(), replies.refusal(result.refusal(), result.detail()));
        }
        List<ObjectNode> blocks = new ArrayList<>(1);
        blocks.add(result.block());
        return new Fetched(blocks, null);
    }

    /** Route step: getFile for variable {@value #FILE_ID} (the path, with the token, only in this header). */
    public void getFileRequest(Exchange exchange) {
        String fileId = exchange.getVariable(FILE_ID, String.class);
        exchange.getMessage().setBody(null);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/bot" + token + "/getFile");
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, "file_id=" + URLEncoder.encode(fileId, StandardCharsets.UTF_8));
    }

    /** Route step: getFile's answer → the download's path; a file over 20 MB is not downloaded. */
    public void downloadRequest(Exchange exchange) throws IOException {
        JsonNode answer = JSON.readTree(exchange.getMessage().getBody(String.class));
        JsonNode result = answer.path("result");
        String path = result.path("file_path").asText("");
        long size = result.path("file_size").asLong(0);
        if (!answer.path("ok").asBoolean(false) || path.isEmpty()) {
            throw new IOException("getFile gave no file_path");
        }
        if (size > FileTypes.TELEGRAM_MAX_BYTES) {
            exchange.setVariable(FILE_FAILURE, FileTypes.Verdict.TOO_BIG.name());
            exchange.setRouteStop(true);
            return;
        }
        exchange.setVariable(FILE_SIZE, size);
        exchange.getMessage().setBody(null);
        exchange.getMessage().removeHeader(Exchange.HTTP_QUERY);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/file/bot" + token + "/" + path);
    }

    /**
     * Route step: the downloaded stream → bytes, read into one array of the size getFile reported (no
     * growing buffers, no stream cache), at most Telegram's 20 MB.
     */
    public byte[] readBytes(Exchange exchange) throws IOException {
        long size = exchange.getVariable(FILE_SIZE, 0L, Long.class);
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            byte[] bytes;
            if (size > 0) {
                bytes = new byte[(int) size];
                if (in.readNBytes(bytes, 0, bytes.length) < size || in.read() >= 0) {
                    throw new IOException("the download is not the size getFile reported");
                }
            } else {
                bytes = in.readNBytes((int) FileTypes.TELEGRAM_MAX_BYTES + 1);
                if (bytes.length > FileTypes.TELEGRAM_MAX_BYTES) {
                    throw new IOException("the download is over 20 MB");
                }
            }
            return bytes;
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IOException("no download body");
        }
    }
}
