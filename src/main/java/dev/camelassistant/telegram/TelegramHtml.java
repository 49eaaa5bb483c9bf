package dev.camelassistant.telegram;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.CustomNode;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Markdown (CommonMark with GFM strikethrough, as Claude writes it) to the HTML that Telegram
 * accepts with {@code parse_mode} HTML, through commonmark-java's syntax tree:
 * <ul>
 * <li>bold {@code <b>}, italic {@code <i>}, strikethrough {@code <s>} ({@code ~~x~~} only: a single
 * tilde is "about"), inline code {@code <code>}, links {@code <a href>} (http, https, tg and mailto
 * only; other targets keep just their text), images as their alt text linked to the image;</li>
 * <li>fenced code as {@code <pre><code class="language-x">}, indented code as {@code <pre>};</li>
 * <li>headings as bold lines, bullet lists as "• item" lines, ordered lists as "1. item" lines
 * (nested lists indented), block quotes as {@code <blockquote>} (Telegram does not nest them: an
 * inner quote is flattened into the outer one), thematic breaks as a line;</li>
 * <li>everything else, raw HTML included, as escaped text ({@code &amp; &lt; &gt;}, and
 * {@code &quot;} inside attributes). A line break in the source stays a line break.</li>
 * </ul>
 * The output uses only tags and entities from Telegram's list, always balanced.
 * {@link #visibleText} gives what Telegram shows (and counts) of such HTML.
 */
public final class TelegramHtml {

    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(StrikethroughExtension.builder().requireTwoTildes(true).build()))
            .build();
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_+#.-]{1,32}");
    private static final String INDENT = "   ";
    static final String RULE = "———";

    private TelegramHtml() {
    }

    /** The Telegram HTML of a Markdown text. */
    public static String render(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return "";
        }
        Writer w = new Writer();
        w.blocks(PARSER.parse(markdown));
        return w.out.toString().strip();
    }

    /**
     * The text Telegram shows for HTML made by {@link #render}: tags removed, entities decoded.
     * Its {@code length()} is Telegram's measure of a message (UTF-16 code units).
     */
    public static String visibleText(String html) {
        if (html == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(html.length());
        int n = html.length();
        for (int i = 0; i < n; i++) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                if (end < 0) {
                    sb.append(html, i, n);
                    break;
                }
                i = end;
            } else if (c == '&') {
                int end = html.indexOf(';', i);
                String decoded = end < 0 || end - i > 12 ? null : decodeEntity(html.substring(i + 1, end));
                if (decoded == null) {
                    sb.append(c);
                } else {
                    sb.append(decoded);
                    i = end;
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String decodeEntity(String name) {
        switch (name) {
            case "lt":
                return "<";
            case "gt":
                return ">";
            case "amp":
                return "&";
            case "quot":
                return "\"";
            default:
                try {
                    if (name.startsWith("#x") || name.startsWith("#X")) {
                        return new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
                    }
                    if (name.startsWith("#")) {
                        return new String(Character.toChars(Integer.parseInt(name.substring(1))));
                    }
                } catch (IllegalArgumentException e) {
                    return null;
                }
                return null;
        }
    }

    static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            String rep = switch (s.charAt(i)) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(s.charAt(i));
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    static String escapeAttribute(String s) {
        return escape(s).replace("\"", "&quot;");
    }

    /** Link targets Telegram opens; anything else (relative paths, javascript:) is not linked. */
    static boolean linkable(String destination) {
        String d = destination == null ? "" : destination.trim().toLowerCase(Locale.ROOT);
        return d.startsWith("http://") || d.startsWith("https://") || d.startsWith("tg://") || d.startsWith("mailto:");
    }

    /** Block structure by hand (separators and list prefixes), inline content with a visitor. */
    private static final class Writer extends AbstractVisitor {

        final StringBuilder out = new StringBuilder();
        private int quoteDepth;
        private int linkDepth;

        void blocks(Node parent) {
            boolean first = true;
            for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
                if (n instanceof LinkReferenceDefinition) {
                    continue;
                }
                if (!first) {
                    out.append("\n\n");
                }
                block(n, 0);
                first = false;
            }
        }

        void block(Node n, int depth) {
            if (n instanceof Paragraph) {
                visitChildren(n);
            } else if (n instanceof Heading) {
                out.append("<b>");
                visitChildren(n);
                out.append("</b>");
            } else if (n instanceof BlockQuote) {
                if (quoteDepth++ == 0) {
                    out.append("<blockquote>");
                    blocks(n);
                    out.append("</blockquote>");
                } else {
                    blocks(n);
                }
                quoteDepth--;
            } else if (n instanceof FencedCodeBlock f) {
                String info = f.getInfo() == null ? "" : f.getInfo().trim();
                String language = info.isEmpty() ? "" : info.split("\\s+", 2)[0];
                code(f.getLiteral(), LANGUAGE.matcher(language).matches() ? language : null);
            } else if (n instanceof IndentedCodeBlock c) {
                code(c.getLiteral(), null);
            } else if (n instanceof HtmlBlock h) {
                out.append(escape(stripFinalNewline(h.getLiteral())));
            } else if (n instanceof ThematicBreak) {
                out.append(RULE);
            } else if (n instanceof ListBlock list) {
                list(list, depth);
            } else {
                blocks(n);
            }
        }

        private void code(String literal, String language) {
            String body = escape(stripFinalNewline(literal == null ? "" : literal));
            if (language == null) {
                out.append("<pre>").append(body).append("</pre>");
            } else {
                out.append("<pre><code class=\"language-").append(escapeAttribute(language)).append("\">")
                        .append(body).append("</code></pre>");
            }
        }

        private void list(ListBlock list, int depth) {
            int number = 1;
            String delimiter = ".";
            if (list instanceof OrderedList o) {
                number = o.getMarkerStartNumber() == null ? 1 : o.getMarkerStartNumber();
                delimiter = o.getMarkerDelimiter() == null ? "." : o.getMarkerDelimiter();
            }
            boolean firstItem = true;
            for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
                if (!firstItem) {
                    out.append('\n');
                }
                out.append(INDENT.repeat(depth));
                out.append(list instanceof BulletList ? "• " : (number++) + delimiter + " ");
                boolean firstChild = true;
                for (Node c = item.getFirstChild(); c != null; c = c.getNext()) {
                    if (!firstChild) {
                        out.append('\n');
                        if (!(c instanceof ListBlock)) {
                            out.append(INDENT.repeat(depth + 1));
                        }
                    }
                    block(c, depth + 1);
                    firstChild = false;
                }
                firstItem = false;
            }
        }

        private static String stripFinalNewline(String s) {
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void visit(Text text) {
            out.append(escape(text.getLiteral()));
        }

        @Override
        public void visit(Emphasis emphasis) {
            out.append("<i>");
            visitChildren(emphasis);
            out.append("</i>");
        }

        @Override
        public void visit(StrongEmphasis strong) {
            out.append("<b>");
            visitChildren(strong);
            out.append("</b>");
        }

        @Override
        public void visit(Code code) {
            out.append("<code>").append(escape(code.getLiteral())).append("</code>");
        }

        @Override
        public void visit(Link link) {
            String destination = link.getDestination();
            if (linkDepth > 0 || !linkable(destination)) {
                visitChildren(link);
                return;
            }
            linkDepth++;
            out.append("<a href=\"").append(escapeAttribute(destination.trim())).append("\">");
            if (link.getFirstChild() == null) {
                out.append(escape(destination.trim()));
            } else {
                visitChildren(link);
            }
            out.append("</a>");
            linkDepth--;
        }

        @Override
        public void visit(Image image) {
            String alt = plainText(image);
            String destination = image.getDestination();
            if (linkDepth > 0 || !linkable(destination)) {
                out.append(escape(alt.isEmpty() ? "image" : alt));
                return;
            }
            out.append("<a href=\"").append(escapeAttribute(destination.trim())).append("\">")
                    .append(escape(alt.isEmpty() ? destination.trim() : alt)).append("</a>");
        }

        @Override
        public void visit(HtmlInline html) {
            out.append(escape(html.getLiteral()));
        }

        @Override
        public void visit(SoftLineBreak softLineBreak) {
            out.append('\n');
        }

        @Override
        public void visit(HardLineBreak hardLineBreak) {
            out.append('\n');
        }

        @Override
        public void visit(CustomNode node) {
            if (node instanceof Strikethrough) {
                out.append("<s>");
                visitChildren(node);
                out.append("</s>");
            } else {
                visitChildren(node);
            }
        }

        private static String plainText(Node node) {
            StringBuilder sb = new StringBuilder();
            node.accept(new AbstractVisitor() {
                @Override
                public void visit(Text text) {
                    sb.append(text.getLiteral());
                }

                @Override
                public void visit(Code code) {
                    sb.append(code.getLiteral());
                }
            });
            return sb.toString();
        }
    }
}
