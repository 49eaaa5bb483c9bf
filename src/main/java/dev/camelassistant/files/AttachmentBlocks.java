package dev.camelassistant.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A downloaded file as a Messages API content block: {@code image} (base64, the media type from the
 * bytes' signature, scaled down when over Claude's limits), {@code document} with a base64 PDF, or a
 * {@code document} with {@code source.type: text} for a UTF-8 text file. What Claude does not take
 * (a PDF over 32 MB or 100 pages, a "text" file that is not UTF-8, an image that cannot be read) is a
 * {@link Refusal} the user is told about, and Claude is not called.
 * <p>
 * The base64 {@code data} of an image or PDF is a binary node: Jackson writes the bytes as standard
 * base64 (RFC 4648, no line feeds) when the request is serialized, and {@code asText()} gives the same
 * text; the file is never held a second time as a base64 string (a 20 MB PDF would be 27 MB more heap).
 */
public final class AttachmentBlocks {

    /** Claude's limits for a PDF. */
    public static final long PDF_MAX_BYTES = 32L * 1024 * 1024;
    public static final int PDF_MAX_PAGES = 100;

    /** Why a downloaded file is not sent (see {@code FileReplies} for what the user reads). */
    public enum Refusal {
        PDF_TOO_BIG, PDF_TOO_MANY_PAGES, NOT_A_PDF, NOT_UTF8, IMAGE_UNREADABLE
    }

    /** A block, or the reason there is none. */
    public record Result(ObjectNode block, Refusal refusal, String detail) {
        static Result of(ObjectNode block) {
            return new Result(block, null, null);
        }

        static Result refused(Refusal refusal, String detail) {
            return new Result(null, refusal, detail);
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AttachmentBlocks() {
    }

    /** The block for {@code bytes} of a file judged {@code verdict} (IMAGE, PDF or TEXT) before the download. */
    public static Result of(FileTypes.Verdict verdict, byte[] bytes, FileReference attachment) {
        return switch (verdict) {
            case IMAGE -> image(bytes);
            case PDF -> pdf(bytes);
            case TEXT -> text(bytes, attachment.fileName());
            default -> throw new IllegalArgumentException("no block for " + verdict);
        };
    }

    static Result image(byte[] bytes) {
        String mediaType = Images.mediaType(bytes);
        if (mediaType == null) {
            return Result.refused(Refusal.IMAGE_UNREADABLE, "not JPEG, PNG, GIF or WebP");
        }
        Images.Fitted fitted;
        try {
            fitted = Images.fit(bytes, mediaType);
        } catch (IOException e) {
            return Result.refused(Refusal.IMAGE_UNREADABLE, e.getClass().getSimpleName());
        }
        ObjectNode block = JSON.objectNode();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        source.put("type", "base64");
        source.put("media_type", fitted.mediaType());
        source.put("data", fitted.bytes());
        return Result.of(block);
    }

    static Result pdf(byte[] bytes) {
        if (!PdfPages.isPdf(bytes)) {
            return Result.refused(Refusal.NOT_A_PDF, "no %PDF- header");
        }
        if (bytes.length > PDF_MAX_BYTES) {
            return Result.refused(Refusal.PDF_TOO_BIG, bytes.length + " bytes");
        }
        int pages = PdfPages.count(bytes);
        if (pages > PDF_MAX_PAGES) {
            return Result.refused(Refusal.PDF_TOO_MANY_PAGES, String.valueOf(pages));
        }
        ObjectNode block = JSON.objectNode();
        block.put("type", "document");
        ObjectNode source = block.putObject("source");
        source.put("type", "base64");
        source.put("media_type", "application/pdf");
        source.put("data", bytes);
        return Result.of(block);
    }

    static Result text(byte[] bytes, String fileName) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Result.refused(Refusal.NOT_UTF8, "not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        ObjectNode block = JSON.objectNode();
        block.put("type", "document");
        ObjectNode source = block.putObject("source");
        source.put("type", "text");
        source.put("media_type", "text/plain");
        source.put("data", text);
        if (fileName != null && !fileName.isBlank()) {
            block.put("title", fileName);
        }
        return Result.of(block);
    }
}
