package dev.camelassistant.files;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttachmentBlocksTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The block as the request carries it: serialized and read back. */
    static ObjectNode wire(ObjectNode block) throws Exception {
        return (ObjectNode) JSON.readTree(JSON.writeValueAsString(block));
    }

    @Test
    void anImageWithinTheLimitsIsSentAsItIsWithTheTypeOfItsSignature() throws Exception {
        byte[] png = TestFiles.image(300, 200, "png");
        ObjectNode block = wire(AttachmentBlocks.image(png).block());
        assertThat(block.path("type").asText()).isEqualTo("image");
        assertThat(block.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(block.path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(png));
        byte[] jpeg = TestFiles.image(300, 200, "jpg");
        assertThat(wire(AttachmentBlocks.image(jpeg).block()).path("source").path("media_type").asText()).isEqualTo("image/jpeg");
        byte[] gif = TestFiles.image(30, 20, "gif");
        assertThat(wire(AttachmentBlocks.image(gif).block()).path("source").path("media_type").asText()).isEqualTo("image/gif");
    }

    @Test
    void mediaTypeFromSignatureNotFromTheName() {
        assertThat(Images.mediaType(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0})).isEqualTo("image/jpeg");
        assertThat(Images.mediaType("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("image/webp");
        assertThat(Images.mediaType("GIF89a".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("image/gif");
        assertThat(Images.mediaType("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.ISO_8859_1))).isNull();
        assertThat(Images.mediaType("%PDF-1.4".getBytes(StandardCharsets.ISO_8859_1))).isNull();
        assertThat(AttachmentBlocks.image("not an image".getBytes(StandardCharsets.US_ASCII)).refusal())
                .isEqualTo(AttachmentBlocks.Refusal.IMAGE_UNREADABLE);
    }

    @Test
    void anImageWiderThan8000PxIsScaledDown() throws Exception {
        byte[] wide = TestFiles.image(9000, 300, "png");
        assertThat(wide.length).as("small in bytes: only its width is over the limit").isLessThan((int) Images.MAX_BYTES);
        ObjectNode block = wire(AttachmentBlocks.image(wide).block());
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("image/jpeg");
        BufferedImage scaled = ImageIO.read(new ByteArrayInputStream(block.path("source").path("data").binaryValue()));
        assertThat(scaled.getWidth()).isLessThanOrEqualTo(Images.SCALED_LONG_EDGE);
        assertThat(scaled.getHeight()).isBetween(40, 60);
        // control: 8000 px exactly is within the limit and goes as it is
        byte[] edge = TestFiles.image(8000, 10, "png");
        assertThat(wire(AttachmentBlocks.image(edge).block()).path("source").path("data").binaryValue()).isEqualTo(edge);
    }

    @Test
    void anImageOver5MbOfBase64IsScaledDown() throws Exception {
        byte[] big = TestFiles.noise(1700, 1200, "png", 1);
        assertThat((long) big.length).isGreaterThan(Images.MAX_BYTES);
        ObjectNode block = wire(AttachmentBlocks.image(big).block());
        byte[] sent = block.path("source").path("data").binaryValue();
        assertThat(block.path("source").path("data").asText().length()).isLessThanOrEqualTo((int) Images.MAX_BASE64_BYTES);
        BufferedImage scaled = ImageIO.read(new ByteArrayInputStream(sent));
        assertThat(scaled.getWidth()).isEqualTo(Images.SCALED_LONG_EDGE);
    }

    @Test
    void aPdfIsABase64DocumentUpTo100Pages() throws Exception {
        byte[] pdf = TestFiles.pdf(100);
        ObjectNode block = wire(AttachmentBlocks.pdf(pdf).block());
        assertThat(block.path("type").asText()).isEqualTo("document");
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("application/pdf");
        assertThat(block.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(block.path("source").path("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(pdf));
        AttachmentBlocks.Result over = AttachmentBlocks.pdf(TestFiles.pdf(101));
        assertThat(over.block()).isNull();
        assertThat(over.refusal()).isEqualTo(AttachmentBlocks.Refusal.PDF_TOO_MANY_PAGES);
        assertThat(over.detail()).isEqualTo("101");
        assertThat(AttachmentBlocks.pdf("hello".getBytes(StandardCharsets.US_ASCII)).refusal())
                .isEqualTo(AttachmentBlocks.Refusal.NOT_A_PDF);
    }

    @Test
    void aTextFileIsATextDocumentWhenItIsUtf8() throws Exception {
        byte[] text = "\uFEFF# Notes\nçà → ok\n".getBytes(StandardCharsets.UTF_8);
        ObjectNode block = wire(AttachmentBlocks.text(text, "notes.md").block());
        assertThat(block.path("type").asText()).isEqualTo("document");
        assertThat(block.path("source").path("type").asText()).isEqualTo("text");
        assertThat(block.path("source").path("media_type").asText()).isEqualTo("text/plain");
        assertThat(block.path("source").path("data").asText()).isEqualTo("# Notes\nçà → ok\n");
        assertThat(block.path("title").asText()).isEqualTo("notes.md");
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(AttachmentBlocks.text(latin1, "a.txt").refusal()).isEqualTo(AttachmentBlocks.Refusal.NOT_UTF8);
    }
}
