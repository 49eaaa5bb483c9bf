package dev.camelassistant.files;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

/** Real files for tests: images written by ImageIO, small PDFs written by hand (plain or with an object stream). */
public final class TestFiles {

    private TestFiles() {
    }

    /** An image of this size and format ("png", "jpg", "gif"), with a gradient so it is not trivially compressible. */
    public static byte[] image(int width, int height, String format) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y += Math.max(1, height / 64)) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, new Color((x * 7) % 256, (y * 3) % 256, (x + y) % 256).getRGB());
            }
        }
        return write(img, format);
    }

    /** A noisy image (hardly compressible): for files of several megabytes. */
    public static byte[] noise(int width, int height, String format, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return write(img, format);
    }

    private static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF with {@code pages} page objects written plainly. */
    public static byte[] pdf(int pages) {
        StringBuilder s = new StringBuilder("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        s.append("2 0 obj\n<< /Type /Pages /Count ").append(pages).append(" /Kids [");
        for (int i = 0; i < pages; i++) {
            s.append(' ').append(3 + i).append(" 0 R");
        }
        s.append(" ] >>\nendobj\n");
        for (int i = 0; i < pages; i++) {
            s.append(3 + i).append(" 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>\nendobj\n");
        }
        s.append("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A PDF whose page objects are in a Flate-compressed object stream (as PDF 1.5+ writers do). */
    public static byte[] pdfWithObjectStream(int pages) {
        StringBuilder objects = new StringBuilder();
        for (int i = 0; i < pages; i++) {
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\n");
        }
        byte[] plain = objects.toString().getBytes(StandardCharsets.US_ASCII);
        Deflater deflater = new Deflater();
        deflater.setInput(plain);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Count " + pages
                      + " >>\nendobj\n3 0 obj\n<< /Type /ObjStm /N " + pages + " /First 0 /Filter /FlateDecode /Length "
                      + compressed.size() + " >>\nstream\n";
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(compressed.toByteArray());
        out.writeBytes("\nendstream\nendobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
