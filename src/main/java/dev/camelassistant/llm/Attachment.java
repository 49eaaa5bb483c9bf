package dev.camelassistant.llm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A photo or document the user sent, as the Messages API content block that carries it ({@code image} or
 * {@code document}, base64 or text), with its estimated input tokens, counted once when it is made or
 * stored ({@link #estimate}).
 */
public record Attachment(ObjectNode block, int tokens) {

    /** Anthropic's estimate for an image: width × height / 750, an image being scaled to about 1,600 tokens at most. */
    static final int MAX_IMAGE_TOKENS = 1_600;
    /** A PDF page costs its text and an image of the page: 1,500 to 3,000 tokens by Anthropic's guide; the upper half. */
    static final int TOKENS_PER_PDF_PAGE = 2_500;

    public static Attachment of(ObjectNode block) {
        return new Attachment(block, estimate(block));
    }

    /** The block's input tokens as Anthropic documents them for images and PDFs; text by its length. */
    public static int estimate(JsonNode block) {
        JsonNode source = block.path("source");
        String type = block.path("type").asText();
        if ("text".equals(source.path("type").asText())) {
            return (int) Math.ceil(source.path("data").asText("").length() / 3.5);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(source.path("data").asText(""));
        } catch (IllegalArgumentException e) {
            return 0;
        }
        if ("image".equals(type)) {
            return imageTokens(bytes);
        }
        if ("application/pdf".equals(source.path("media_type").asText())) {
            return Math.max(1, pdfPages(bytes)) * TOKENS_PER_PDF_PAGE;
        }
        return (int) Math.ceil(bytes.length / 3.5);
    }

    static int imageTokens(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return MAX_IMAGE_TOKENS;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                return (int) Math.min(MAX_IMAGE_TOKENS, Math.max(1, (pixels + 749) / 750));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return MAX_IMAGE_TOKENS;
        }
    }

    /** Pages of a PDF: its "/Type /Page" objects (not "/Pages"), read as Latin-1 without parsing the file. */
    static int pdfPages(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int pages = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Type\\s*/Page(?![s\\w])").matcher(text);
        while (m.find()) {
            pages++;
        }
        return pages;
    }
}
