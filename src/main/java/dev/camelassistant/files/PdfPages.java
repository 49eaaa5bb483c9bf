package dev.camelassistant.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Counts a PDF's pages without a PDF library: the page objects ({@code /Type /Page}, not {@code /Pages})
 * in the file, and in its compressed object streams ({@code /Type /ObjStm}, Flate, as PDF 1.5 and later
 * writers keep pages there). Enough to tell a 300-page PDF from a 30-page one before Claude is asked; a
 * PDF it cannot read counts 0 pages (unknown) and is sent as it is, Claude being the judge.
 */
public final class PdfPages {

    private static final byte[] TYPE = "/Type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OBJSTM = "/ObjStm".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENDSTREAM = "endstream".getBytes(StandardCharsets.US_ASCII);
    /** An object stream is inflated up to this size (a zip bomb stops here). */
    private static final int MAX_INFLATED = 64 * 1024 * 1024;

    private PdfPages() {
    }

    /** True when the bytes start like a PDF ({@code %PDF-}, within the first 1,024 bytes as readers allow). */
    public static boolean isPdf(byte[] b) {
        return indexOf(b, "%PDF-".getBytes(StandardCharsets.US_ASCII), 0, Math.min(b.length, 1024)) >= 0;
    }

    /** The number of page objects, or 0 when none could be found. */
    public static int count(byte[] pdf) {
        int pages = pagesIn(pdf, pdf.length);
        int from = 0;
        int at;
        while ((at = indexOf(pdf, OBJSTM, from, pdf.length)) >= 0) {
            from = at + OBJSTM.length;
            int start = indexOf(pdf, STREAM, from, Math.min(pdf.length, from + 4096));
            if (start < 0) {
                continue;
            }
            start += STREAM.length;
            if (start < pdf.length && pdf[start] == '\r') {
                start++;
            }
            if (start < pdf.length && pdf[start] == '\n') {
                start++;
            }
            int end = indexOf(pdf, ENDSTREAM, start, pdf.length);
            if (end < 0) {
                break;
            }
            byte[] inflated = inflate(pdf, start, end - start);
            if (inflated != null) {
                pages += pagesIn(inflated, inflated.length);
            }
            from = end;
        }
        return pages;
    }

    /** Occurrences of {@code /Type} followed (after blanks) by {@code /Page} and a delimiter. */
    static int pagesIn(byte[] b, int length) {
        int pages = 0;
        int from = 0;
        int at;
        while ((at = indexOf(b, TYPE, from, length)) >= 0) {
            int i = at + TYPE.length;
            while (i < length && isBlank(b[i])) {
                i++;
            }
            if (i + 5 <= length && b[i] == '/' && b[i + 1] == 'P' && b[i + 2] == 'a' && b[i + 3] == 'g' && b[i + 4] == 'e'
                && (i + 5 == length || isDelimiter(b[i + 5]))) {
                pages++;
            }
            from = i;
        }
        return pages;
    }

    private static byte[] inflate(byte[] b, int offset, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length * 4));
            byte[] buffer = new byte[16 * 1024];
            while (!inflater.finished() && out.size() < MAX_INFLATED) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
    }

    private static boolean isDelimiter(byte c) {
        return isBlank(c) || c == '/' || c == '>' || c == '<' || c == '[' || c == '(' || c == ']' || c == ')';
    }

    static int indexOf(byte[] b, byte[] what, int from, int to) {
        outer:
        for (int i = Math.max(0, from); i <= to - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
