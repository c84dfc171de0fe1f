package org.kd4j.eval;

import java.util.ArrayList;
import java.util.List;

/** A small Markdown table builder with aligned columns (numbers right-aligned). */
public final class MarkdownTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    public MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    @Override
    public String toString() {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = Math.max(3, header.get(c).length());
            numeric[c] = !rows.isEmpty();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
                numeric[c] &= row.get(c).matches("[-+]?[0-9][0-9,.]*%?");
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, numeric);
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            sb.append(' ').append("-".repeat(width[c] - 1)).append(numeric[c] ? ':' : '-').append(" |");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            line(sb, row, width, numeric);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            sb.append(' ').append(right[c] ? pad + cell : cell + pad).append(" |");
        }
        sb.append('\n');
    }
}
