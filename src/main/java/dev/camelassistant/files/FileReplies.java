package dev.camelassistant.files;

import java.util.Locale;
import java.util.Map;

import dev.camelassistant.common.Markdown;

/**
 * What the user reads about files the bot does not pass on (Markdown, like every text the bot sends), and
 * the text Claude gets with a file that came without a caption. One line each, never an error's text.
 */
public final class FileReplies {

    /** What the bot reads, for the replies below and /help. */
    public static final String WHAT_I_READ = "photos and images (JPEG, PNG, GIF, WebP), PDFs (up to 100 pages)"
                                             + " and text files (plain text, Markdown, CSV, JSON, source code), up to 20 MB each";

    public static final String LOOK_AT_IMAGE = "Please look at this image.";
    public static final String READ_DOCUMENT = "Please read this document.";

    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("voice", "voice messages"), Map.entry("video_note", "video messages"), Map.entry("video", "videos"),
            Map.entry("audio", "audio files"), Map.entry("animation", "GIF animations"), Map.entry("sticker", "stickers"),
            Map.entry("location", "locations"), Map.entry("venue", "places"), Map.entry("contact", "contacts"),
            Map.entry("poll", "polls"), Map.entry("dice", "dice"), Map.entry("game", "games"), Map.entry("story", "stories"),
            Map.entry("paid_media", "paid media"));

    /** Inbound route: the reply to a message of header {@value FileReference#HEADER} that is not read. */
    public String unreadable(org.apache.camel.Exchange exchange) {
        FileReference attachment = exchange.getMessage().getHeader(FileReference.HEADER, FileReference.class);
        return refusal(attachment, FileTypes.of(attachment));
    }

    /** The reply to a message the bot does not read, decided before any download (no getFile, no Claude). */
    public String refusal(FileReference attachment, FileTypes.Verdict verdict) {
        return switch (verdict) {
            case TOO_BIG -> "That file is " + megabytes(attachment.fileSize()) + ": Telegram lets bots download files of at most 20 MB."
                            + " Could you send a smaller one, or the part you need?";
            case UNREADABLE_KIND -> "I can't take " + KINDS.getOrDefault(attachment.kind(), "this kind of message")
                                    + " yet. I read text, " + WHAT_I_READ + ".";
            case UNSUPPORTED_FILE -> "I can't read this kind of file" + typeOf(attachment) + ". I read " + WHAT_I_READ + ".";
            default -> throw new IllegalArgumentException("not a refusal: " + verdict);
        };
    }

    /** The reply to a file fetched but not given to Claude. */
    public String refusal(AttachmentBlocks.Refusal refusal, String detail) {
        return switch (refusal) {
            case PDF_TOO_MANY_PAGES -> "This PDF has " + detail + " pages; Claude reads at most " + AttachmentBlocks.PDF_MAX_PAGES
                                       + ". Could you send the pages you need as a smaller PDF?";
            case PDF_TOO_BIG -> "This PDF is over Claude's limit of 32 MB. Could you send a smaller one?";
            case NOT_A_PDF -> "This file says it is a PDF but isn't one, so I can't read it.";
            case NOT_UTF8 -> "I couldn't read this file as text (it isn't UTF-8). Could you save it as UTF-8 text and send it again?";
            case IMAGE_UNREADABLE -> "I couldn't open this image. I read JPEG, PNG, GIF and WebP images.";
        };
    }

    /** The file could not be fetched from Telegram (never the error itself). */
    public String unavailable() {
        return "Sorry, I couldn't fetch your file from Telegram just now. Please send it again in a moment.";
    }

    /** The text Claude gets with a file: the caption, else a plain request to look at it. */
    public static String promptFor(FileTypes.Verdict verdict) {
        return verdict == FileTypes.Verdict.IMAGE ? LOOK_AT_IMAGE : READ_DOCUMENT;
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static String typeOf(FileReference a) {
        if (a.mimeType() != null && !a.mimeType().isBlank() && !"application/octet-stream".equals(a.mimeType())) {
            return " (" + Markdown.escape(a.mimeType()) + ")";
        }
        return a.extension().isEmpty() ? "" : " (." + Markdown.escape(a.extension()) + ")";
    }
}
