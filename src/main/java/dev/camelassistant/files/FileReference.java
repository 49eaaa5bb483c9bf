package dev.camelassistant.files;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a Telegram message carries besides its text, by reference only (never its bytes): the kind
 * ({@code photo}, {@code document}, or a kind the bot does not read: {@code voice}, {@code video},
 * {@code sticker}, …), Telegram's {@code file_id}, its size, MIME type and file name as Telegram reports
 * them. Kept in a header on the way to the conversation route and, encrypted, with the inbox record, so
 * a message resumed after a restart fetches its file again. Kind, size and MIME type may be logged and
 * audited; the file name is what the person wrote and is not.
 */
public record FileReference(String kind, String fileId, long fileSize, String mimeType, String fileName) {

    /** Exchange header of a message with an attachment (an {@link FileReference}). */
    public static final String HEADER = "fileReference";

    public static final String PHOTO = "photo";
    public static final String DOCUMENT = "document";

    /** Kinds of message content the bot does not read; checked in this order. */
    static final String[] UNREADABLE = {"voice", "video_note", "video", "audio", "animation", "sticker", "location",
                                        "venue", "contact", "poll", "dice", "game", "story", "paid_media"};

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The attachment of a message, or null when it has none. A photo comes in several sizes: the largest
     * whose {@code file_size} fits {@code photoBytes} (what Claude takes without scaling), else the
     * smallest, which is scaled down later.
     */
    public static FileReference of(JsonNode message, long photoBytes) {
        if (message == null) {
            return null;
        }
        JsonNode photo = message.get("photo");
        if (photo != null && photo.isArray() && !photo.isEmpty()) {
            JsonNode chosen = null;
            JsonNode smallest = null;
            for (JsonNode size : photo) {
                long bytes = size.path("file_size").asLong(0);
                if (smallest == null || bytes < smallest.path("file_size").asLong(0)) {
                    smallest = size;
                }
                if (bytes <= photoBytes && (chosen == null || bytes > chosen.path("file_size").asLong(0))) {
                    chosen = size;
                }
            }
            JsonNode size = chosen != null ? chosen : smallest;
            return new FileReference(PHOTO, size.path("file_id").asText(), size.path("file_size").asLong(0), "image/jpeg", null);
        }
        JsonNode document = message.get("document");
        if (document != null && document.isObject()) {
            return new FileReference(DOCUMENT, document.path("file_id").asText(), document.path("file_size").asLong(0),
                    lower(document.path("mime_type").asText(null)), document.path("file_name").asText(null));
        }
        for (String kind : UNREADABLE) {
            JsonNode node = message.get(kind);
            if (node != null && !node.isNull()) {
                return new FileReference(kind, node.path("file_id").asText(null), node.path("file_size").asLong(0),
                        lower(node.path("mime_type").asText(null)), null);
            }
        }
        return null;
    }

    /** The file name's extension, lower case without the dot, or "". */
    public String extension() {
        if (fileName == null) {
            return "";
        }
        int dot = fileName.lastIndexOf('.');
        return dot < 0 || dot == fileName.length() - 1 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** As stored (encrypted) with the inbox record. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind);
        o.put("file_id", fileId);
        o.put("file_size", fileSize);
        o.put("mime_type", mimeType);
        o.put("file_name", fileName);
        return o.toString();
    }

    /** The reverse of {@link #toJson()}. */
    public static FileReference fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            return new FileReference(o.path("kind").asText(), o.path("file_id").asText(), o.path("file_size").asLong(0),
                    o.path("mime_type").asText(null), o.path("file_name").asText(null));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an attachment reference");
        }
    }

    /** Never the file name: kind, size and MIME type only. */
    @Override
    public String toString() {
        return kind + " (" + fileSize + " bytes" + (mimeType == null ? "" : ", " + mimeType) + ")";
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
