package dev.camelassistant.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttachmentTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void aPhotoTakesTheLargestSizeThatFits() throws Exception {
        JsonNode msg = json("{'photo':[{'file_id':'s','file_size':1000},{'file_id':'m','file_size':90000},"
                            + "{'file_id':'l','file_size':4000000}]}");
        assertThat(FileReference.of(msg, Images.MAX_BYTES).fileId()).isEqualTo("m");
        assertThat(FileReference.of(msg, 5_000_000).fileId()).isEqualTo("l");
    }

    @Test
    void aPhotoWithNoSizeThatFitsTakesTheSmallest() throws Exception {
        JsonNode msg = json("{'photo':[{'file_id':'l','file_size':9000000},{'file_id':'m','file_size':6000000}]}");
        FileReference a = FileReference.of(msg, Images.MAX_BYTES);
        assertThat(a.fileId()).isEqualTo("m");
        assertThat(a.kind()).isEqualTo(FileReference.PHOTO);
        assertThat(a.fileSize()).isEqualTo(6000000);
    }

    @Test
    void documentsVoiceAndTextMessages() throws Exception {
        FileReference doc = FileReference.of(json("{'caption':'x','document':{'file_id':'d','file_name':'Report.PDF',"
                                            + "'mime_type':'Application/PDF','file_size':12}}"), Images.MAX_BYTES);
        assertThat(doc).isEqualTo(new FileReference("document", "d", 12, "application/pdf", "Report.PDF"));
        assertThat(doc.extension()).isEqualTo("pdf");
        assertThat(FileReference.of(json("{'voice':{'file_id':'v','mime_type':'audio/ogg','file_size':4}}"), 1).kind()).isEqualTo("voice");
        assertThat(FileReference.of(json("{'sticker':{'file_id':'s'}}"), 1).kind()).isEqualTo("sticker");
        assertThat(FileReference.of(json("{'location':{'latitude':1,'longitude':2}}"), 1).kind()).isEqualTo("location");
        assertThat(FileReference.of(json("{'text':'hello'}"), 1)).isNull();
        assertThat(FileReference.of(null, 1)).isNull();
    }

    @Test
    void survivesItsJsonAndNeverPrintsTheFileName() {
        FileReference a = new FileReference("document", "BQAC-x_1", 2048, "text/plain", "secret plans.txt");
        assertThat(FileReference.fromJson(a.toJson())).isEqualTo(a);
        assertThat(a.toString()).contains("document", "2048", "text/plain").doesNotContain("secret");
        FileReference photo = new FileReference("photo", "p", 1, "image/jpeg", null);
        assertThat(FileReference.fromJson(photo.toJson())).isEqualTo(photo);
    }
}
