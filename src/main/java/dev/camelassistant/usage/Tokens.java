package dev.camelassistant.usage;

/** The token counts of one answer or of a sum of answers, as the Messages API reports them. */
public record Tokens(long input, long output, long cacheWrite, long cacheRead) {

    public static final Tokens NONE = new Tokens(0, 0, 0, 0);

    public Tokens plus(Tokens o) {
        return new Tokens(input + o.input, output + o.output, cacheWrite + o.cacheWrite, cacheRead + o.cacheRead);
    }

    /** Everything Claude read and wrote: what a daily token limit counts. */
    public long total() {
        return input + output + cacheWrite + cacheRead;
    }
}
