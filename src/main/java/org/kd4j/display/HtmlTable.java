package org.kd4j.display;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table rendered as an HTML {@code <table>}, for a notebook cell or an HTML report: cells escaped, numeric columns
 * right-aligned. Build it row by row, or read a Markdown pipe table such as kd4j's result tables, {@code report.md}
 * files and {@code org.kd4j.eval.MarkdownTable.toString()} with {@link #fromMarkdown(String)}.
 */
public final class HtmlTable {

    /** Column alignment, as a Markdown separator row gives it ({@code ---}, {@code --:}, {@code :-:}). */
    public enum Align { LEFT, RIGHT, CENTER }

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private List<Align> align;
    private String caption;

    public HtmlTable(String... header) {
        this(List.of(header), null);
    }

    private HtmlTable(List<String> header, List<Align> align) {
        if (header.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = List.copyOf(header);
        this.align = align;
    }

    /** Adds a row; cells are shown with {@link String#valueOf(Object)}. */
    public HtmlTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    /** A caption shown above the table (escaped). */
    public HtmlTable caption(String text) {
        this.caption = text;
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    public List<String> header() {
        return header;
    }

    /** The cells of row {@code i} as text. */
    public List<String> rowCells(int i) {
        return List.copyOf(rows.get(i));
    }

    /**
     * Reads the first Markdown pipe table in {@code markdown}: a header line, a separator line ({@code |---|--:|})
     * and the rows up to the first line that does not start with {@code |}. Alignment comes from the separator.
     * A Markdown heading right above the table ({@code #### SST-2 dev ...}, as kd4j's result tables have) becomes
     * the caption.
     *
     * @throws IllegalArgumentException if there is no table, or a row has a different number of cells
     */
    public static HtmlTable fromMarkdown(String markdown) {
        String[] lines = markdown.split("\\R", -1);
        int start = -1;
        for (int i = 0; i + 1 < lines.length; i++) {
            if (isTableLine(lines[i]) && isSeparator(lines[i + 1])) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new IllegalArgumentException("no Markdown table (a | header | line followed by a | --- | line) found");
        }
        List<String> header = cells(lines[start]);
        List<String> separator = cells(lines[start + 1]);
        if (separator.size() != header.size()) {
            throw new IllegalArgumentException("Markdown table: the header has " + header.size()
                    + " cells, the separator line " + separator.size());
        }
        List<Align> align = new ArrayList<>();
        for (String s : separator) {
            boolean left = s.startsWith(":");
            boolean right = s.endsWith(":");
            align.add(left && right ? Align.CENTER : right ? Align.RIGHT : Align.LEFT);
        }
        HtmlTable table = new HtmlTable(header, align);
        for (int i = start + 2; i < lines.length && isTableLine(lines[i]); i++) {
            List<String> row = cells(lines[i]);
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("Markdown table line " + (i + 1) + ": " + row.size()
                        + " cells, the header has " + header.size());
            }
            table.row(row.toArray());
        }
        for (int i = start - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                table.caption(line.replaceFirst("^#+\\s*", ""));
            }
            break;
        }
        return table;
    }

    /** The table as an HTML fragment (a {@code <table>} element, no page around it). */
    public String toHtml() {
        List<Align> columns = align != null ? align : guessAlignment();
        StringBuilder sb = new StringBuilder("<table class=\"kd4j-table\">\n");
        if (caption != null && !caption.isBlank()) {
            sb.append("<caption style=\"text-align:left\">").append(escape(caption)).append("</caption>\n");
        }
        sb.append("<thead><tr>");
        for (int c = 0; c < header.size(); c++) {
            cell(sb, "th", header.get(c), columns.get(c));
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                cell(sb, "td", row.get(c), columns.get(c));
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    @Override
    public String toString() {
        return toHtml();
    }

    /**
     * The table as a Markdown pipe table (Jupyter renders {@code text/markdown}; {@link #fromMarkdown} reads it back):
     * the caption as a {@code ####} heading above it, bars and line breaks in cells escaped, numeric columns
     * right-aligned as in {@link #toHtml()}.
     */
    public String toMarkdown() {
        List<Align> columns = align != null ? align : guessAlignment();
        StringBuilder sb = new StringBuilder();
        if (caption != null && !caption.isBlank()) {
            sb.append("#### ").append(caption.strip().replaceAll("\\R+", " ")).append("\n\n");
        }
        markdownLine(sb, header);
        sb.append('|');
        for (Align a : columns) {
            sb.append(switch (a) {
                case LEFT -> " --- |";
                case RIGHT -> " ---: |";
                case CENTER -> " :---: |";
            });
        }
        sb.append('\n');
        for (List<String> row : rows) {
            markdownLine(sb, row);
        }
        return sb.toString();
    }

    private static void markdownLine(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|").replaceAll("\\R", " ")).append(" |");
        }
        sb.append('\n');
    }

    private List<Align> guessAlignment() {
        List<Align> result = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            boolean numeric = !rows.isEmpty();
            for (List<String> row : rows) {
                numeric &= row.get(c).matches("[-+]?[0-9][0-9,.]*(e[-+]?[0-9]+)?%?|-|NaN");
            }
            result.add(numeric ? Align.RIGHT : Align.LEFT);
        }
        return result;
    }

    private static void cell(StringBuilder sb, String tag, String text, Align align) {
        sb.append('<').append(tag);
        if (align != Align.LEFT) {
            sb.append(" style=\"text-align:").append(align.name().toLowerCase(Locale.ROOT)).append('"');
        }
        sb.append('>').append(escape(text)).append("</").append(tag).append('>');
    }

    /** Escapes {@code & < > " '} for HTML text and attribute values. */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static boolean isTableLine(String line) {
        return line.strip().startsWith("|");
    }

    private static boolean isSeparator(String line) {
        return isTableLine(line) && line.strip().matches("\\|(\\s*:?-+:?\\s*\\|)+");
    }

    /** The cells of one pipe-table line; {@code \|} is a literal bar inside a cell. */
    private static List<String> cells(String line) {
        String s = line.strip();
        if (s.startsWith("|")) {
            s = s.substring(1);
        }
        if (s.endsWith("|") && !s.endsWith("\\|")) {
            s = s.substring(0, s.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (ch == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }
}
