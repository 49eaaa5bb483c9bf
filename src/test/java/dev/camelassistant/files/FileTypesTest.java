package dev.camelassistant.files;

import org.junit.jupiter.api.Test;

import static dev.camelassistant.files.FileTypes.Verdict.IMAGE;
import static dev.camelassistant.files.FileTypes.Verdict.PDF;
import static dev.camelassistant.files.FileTypes.Verdict.TEXT;
import static dev.camelassistant.files.FileTypes.Verdict.TOO_BIG;
import static dev.camelassistant.files.FileTypes.Verdict.UNREADABLE_KIND;
import static dev.camelassistant.files.FileTypes.Verdict.UNSUPPORTED_FILE;
import static org.assertj.core.api.Assertions.assertThat;

class FileTypesTest {

    static FileTypes.Verdict doc(String mime, String name) {
        return FileTypes.of(new FileReference("document", "f", 100, mime, name));
    }

    @Test
    void byMimeTypeOrExtension() {
        assertThat(doc("application/pdf", "a.bin")).isEqualTo(PDF);
        assertThat(doc(null, "a.pdf")).isEqualTo(PDF);
        assertThat(doc("image/png", "x")).isEqualTo(IMAGE);
        assertThat(doc("application/octet-stream", "x.JPG")).isEqualTo(IMAGE);
        assertThat(doc("text/csv", "x")).isEqualTo(TEXT);
        assertThat(doc("application/json", "x")).isEqualTo(TEXT);
        assertThat(doc("application/vnd.api+json", "x")).isEqualTo(TEXT);
        assertThat(doc("application/octet-stream", "Main.java")).isEqualTo(TEXT);
        assertThat(doc(null, "README.md")).isEqualTo(TEXT);
        assertThat(doc("application/zip", "a.zip")).isEqualTo(UNSUPPORTED_FILE);
        assertThat(doc("application/octet-stream", "a.exe")).isEqualTo(UNSUPPORTED_FILE);
        assertThat(doc("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx")).isEqualTo(UNSUPPORTED_FILE);
    }

    @Test
    void photosAndTelegramsDownloadLimit() {
        assertThat(FileTypes.of(new FileReference("photo", "p", 20L * 1024 * 1024, "image/jpeg", null))).isEqualTo(IMAGE);
        assertThat(FileTypes.of(new FileReference("photo", "p", 20L * 1024 * 1024 + 1, "image/jpeg", null))).isEqualTo(TOO_BIG);
        assertThat(FileTypes.of(new FileReference("document", "d", 20L * 1024 * 1024 + 1, "text/plain", "a.txt"))).isEqualTo(TOO_BIG);
    }

    @Test
    void otherKindsAreNotReadWhateverTheirSize() {
        assertThat(FileTypes.of(new FileReference("voice", "v", 4, "audio/ogg", null))).isEqualTo(UNREADABLE_KIND);
        assertThat(FileTypes.of(new FileReference("video", "v", 50_000_000, "video/mp4", null))).isEqualTo(UNREADABLE_KIND);
        assertThat(FileTypes.of(new FileReference("sticker", "s", 0, null, null))).isEqualTo(UNREADABLE_KIND);
    }
}
