package dev.camelassistant.files;

import java.util.Set;

/**
 * What the bot reads, decided from what Telegram says of a file before it is fetched (kind, MIME type,
 * file name, size): photos, images sent as files, PDFs and text-like files (text/*, JSON, CSV, Markdown,
 * source code: by MIME type or extension). Telegram's Bot API serves files of at most 20 MB.
 */
public final class FileTypes {

    /** Telegram's download limit for bots (getFile): 20 MB. */
    public static final long TELEGRAM_MAX_BYTES = 20L * 1024 * 1024;

    /** What is decided before the download. */
    public enum Verdict {
        /** an image: an image block */
        IMAGE,
        /** a PDF: a document block */
        PDF,
        /** a text-like file: a text document block (if its bytes are UTF-8) */
        TEXT,
        /** over Telegram's 20 MB: not fetched */
        TOO_BIG,
        /** voice, video, sticker and other kinds of message the bot does not read */
        UNREADABLE_KIND,
        /** a document of a type the bot does not read */
        UNSUPPORTED_FILE
    }

    static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/jpg", "image/png", "image/gif", "image/webp");

    static final Set<String> TEXT_TYPES = Set.of("application/json", "application/ld+json", "application/xml",
            "application/x-yaml", "application/yaml", "application/toml", "application/javascript",
            "application/x-javascript", "application/typescript", "application/x-sh", "application/x-python",
            "application/sql", "application/x-httpd-php", "application/csv", "application/x-tex", "application/rtf");

    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "webp");

    static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "md", "markdown", "csv", "tsv", "json", "jsonl",
            "ndjson", "xml", "yaml", "yml", "toml", "ini", "cfg", "conf", "properties", "env", "log", "html", "htm", "css",
            "java", "kt", "kts", "scala", "groovy", "gradle", "py", "rb", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "rs",
            "c", "h", "cc", "cpp", "hpp", "cs", "swift", "m", "php", "pl", "lua", "r", "sql", "sh", "bash", "zsh", "ps1",
            "bat", "dart", "ex", "exs", "erl", "hs", "clj", "vue", "svelte", "tex", "rst", "adoc", "org", "srt", "vtt",
            "diff", "patch", "dockerfile", "makefile", "proto", "graphql", "tf");

    private FileTypes() {
    }

    public static Verdict of(FileReference a) {
        if (!FileReference.PHOTO.equals(a.kind()) && !FileReference.DOCUMENT.equals(a.kind())) {
            return Verdict.UNREADABLE_KIND;
        }
        if (a.fileSize() > TELEGRAM_MAX_BYTES) {
            return Verdict.TOO_BIG;
        }
        if (FileReference.PHOTO.equals(a.kind())) {
            return Verdict.IMAGE;
        }
        String mime = a.mimeType() == null ? "" : a.mimeType();
        String ext = a.extension();
        if ("application/pdf".equals(mime) || mime.isEmpty() && "pdf".equals(ext)) {
            return Verdict.PDF;
        }
        if (IMAGE_TYPES.contains(mime) || (mime.isEmpty() || "application/octet-stream".equals(mime)) && IMAGE_EXTENSIONS.contains(ext)) {
            return Verdict.IMAGE;
        }
        if (mime.startsWith("text/") || TEXT_TYPES.contains(mime) || mime.endsWith("+json") || mime.endsWith("+xml")
            || TEXT_EXTENSIONS.contains(ext)) {
            return Verdict.TEXT;
        }
        return Verdict.UNSUPPORTED_FILE;
    }
}
