package dev.camelassistant.files;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Images for Claude: the media type from the bytes' signature (JPEG, PNG, GIF, WebP: what the Messages
 * API takes), and an image over Claude's limits (5 MB of base64, 8000 px a side) scaled down instead of
 * refused. A scaled image is decoded with subsampling (a 30,000 px PNG never becomes a 3.6 GB bitmap),
 * drawn at most {@value #SCALED_LONG_EDGE} px on its long edge (the size Claude itself scales larger
 * images to before looking at them) and written as JPEG.
 */
public final class Images {

    /** Claude's limit for one image, counted on its base64 text: 5 MB. */
    public static final long MAX_BASE64_BYTES = 5L * 1024 * 1024;
    /** The largest image, in bytes, whose base64 stays within {@link #MAX_BASE64_BYTES}. */
    public static final long MAX_BYTES = MAX_BASE64_BYTES / 4 * 3;
    /** Claude's limit for one side of an image. */
    public static final int MAX_SIDE = 8000;
    /** The long edge of a scaled image. */
    public static final int SCALED_LONG_EDGE = 1568;

    private Images() {
    }

    /** The media type from the first bytes, or null when they are none of JPEG, PNG, GIF, WebP. */
    public static String mediaType(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return "image/jpeg";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
            && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return "image/png";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return "image/gif";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
            && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    /** An image as Claude takes it: {@code bytes} when within the limits, else a scaled JPEG. */
    public record Fitted(byte[] bytes, String mediaType, boolean scaled) {
    }

    /**
     * {@code bytes} as they are when within Claude's limits, else scaled down.
     *
     * @throws IOException when the image must be scaled and cannot be decoded (ImageIO reads JPEG, PNG,
     *                     GIF; not WebP)
     */
    public static Fitted fit(byte[] bytes, String mediaType) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(in);
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (bytes.length <= MAX_BYTES && width <= MAX_SIDE && height <= MAX_SIDE) {
                    return new Fitted(bytes, mediaType, false);
                }
                return new Fitted(scale(reader, width, height), "image/jpeg", true);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (bytes.length <= MAX_BYTES && "image/webp".equals(mediaType)) {
                // ImageIO has no WebP reader: a WebP within 5 MB goes as it is (its sides unchecked)
                return new Fitted(bytes, mediaType, false);
            }
            throw e instanceof IOException io ? io : new IOException("image not readable", e);
        }
    }

    private static ImageReader reader(ImageInputStream in) throws IOException {
        if (in == null) {
            throw new IOException("image not readable");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new IOException("no image reader for these bytes");
        }
        return readers.next();
    }

    private static byte[] scale(ImageReader reader, int width, int height) throws IOException {
        int longEdge = Math.max(width, height);
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, longEdge / SCALED_LONG_EDGE);
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage decoded = reader.read(0, param);
        double factor = Math.min(1.0, (double) SCALED_LONG_EDGE / Math.max(decoded.getWidth(), decoded.getHeight()));
        int w = Math.max(1, (int) Math.round(decoded.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(decoded.getHeight() * factor));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // JPEG has no transparency: transparent parts become white
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(decoded, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return jpeg(out, 0.85f);
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * 1024);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
