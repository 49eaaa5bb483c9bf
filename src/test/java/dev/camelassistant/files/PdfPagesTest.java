package dev.camelassistant.files;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PdfPagesTest {

    @Test
    void countsPageObjectsButNotThePagesTree() {
        assertThat(PdfPages.count(TestFiles.pdf(1))).isEqualTo(1);
        assertThat(PdfPages.count(TestFiles.pdf(7))).isEqualTo(7);
        assertThat(PdfPages.count(TestFiles.pdf(101))).isEqualTo(101);
    }

    @Test
    void countsPagesInsideCompressedObjectStreams() {
        assertThat(PdfPages.count(TestFiles.pdfWithObjectStream(3))).isEqualTo(3);
        assertThat(PdfPages.count(TestFiles.pdfWithObjectStream(150))).isEqualTo(150);
    }

    @Test
    void spacingAndDelimitersAfterPage() {
        byte[] b = "/Type /Page>> /Type/Page/X /Type\n/Page\n /Type /Pages /Type /PageLabel".getBytes(StandardCharsets.US_ASCII);
        assertThat(PdfPages.pagesIn(b, b.length)).isEqualTo(3);
    }

    @Test
    void aBrokenObjectStreamCountsNothingAndThrowsNothing() {
        byte[] b = "%PDF-1.7\n1 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot deflate data\nendstream"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(PdfPages.count(b)).isZero();
    }

    @Test
    void recognisesThePdfHeader() {
        assertThat(PdfPages.isPdf(TestFiles.pdf(1))).isTrue();
        assertThat(PdfPages.isPdf("hello".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }
}
