package org.kd4j.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.kd4j.eval.MarkdownTable;

class HtmlTableTest {

    @Test
    void builtTableEscapesCellsAndRightAlignsNumbers() {
        String html = new HtmlTable("model", "dev accuracy").caption("SST-2 <dev>")
                .row("student <cnn> & co", "0.8463").row("teacher", "0.8968").toHtml();
        assertEquals("""
                <table class="kd4j-table">
                <caption style="text-align:left">SST-2 &lt;dev&gt;</caption>
                <thead><tr><th>model</th><th style="text-align:right">dev accuracy</th></tr></thead>
                <tbody>
                <tr><td>student &lt;cnn&gt; &amp; co</td><td style="text-align:right">0.8463</td></tr>
                <tr><td>teacher</td><td style="text-align:right">0.8968</td></tr>
                </tbody>
                </table>""", html);
    }

    @Test
    void readsMarkdownTableWithHeadingAlignmentAndEscapedBars() {
        String md = """
                intro text

                #### SST-2 dev (872 examples)

                | model | params | note |
                | ----- | -----: | :--: |
                | a\\|b | 4,104,834 | x |
                | c | 12 | y |

                The student runs 134x faster.
                """;
        HtmlTable t = HtmlTable.fromMarkdown(md);
        assertEquals(List.of("model", "params", "note"), t.header());
        assertEquals(2, t.rowCount());
        assertEquals(List.of("a|b", "4,104,834", "x"), t.rowCells(0));
        String html = t.toHtml();
        assertTrue(html.contains("<caption style=\"text-align:left\">SST-2 dev (872 examples)</caption>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">4,104,834</td>"), html);
        assertTrue(html.contains("<td style=\"text-align:center\">x</td>"), html);
    }

    @Test
    void readsKd4jsOwnMarkdownTables() {
        String md = new MarkdownTable("model", "dev accuracy").row("student", "0.8463").toString();
        HtmlTable t = HtmlTable.fromMarkdown(md);
        assertEquals(List.of("student", "0.8463"), t.rowCells(0));
        assertTrue(t.toHtml().contains("<td style=\"text-align:right\">0.8463</td>"));
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> HtmlTable.fromMarkdown("no table here\n| just a line |\n"));
        assertTrue(none.getMessage().contains("no Markdown table"), none.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> HtmlTable.fromMarkdown("| a | b |\n|---|---|\n| 1 |\n"));
        assertEquals("Markdown table line 3: 1 cells, the header has 2", ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HtmlTable("a", "b").row("only one"));
    }

    @Test
    void markdownRoundTripKeepsCaptionAlignmentAndEscapedBars() {
        HtmlTable table = new HtmlTable("model", "params").caption("SST-2 dev")
                .row("a|b", "4,104,834").row("two\nlines", "12");
        String md = table.toMarkdown();
        assertEquals("""
                #### SST-2 dev

                | model | params |
                | --- | ---: |
                | a\\|b | 4,104,834 |
                | two lines | 12 |
                """, md);
        HtmlTable back = HtmlTable.fromMarkdown(md);
        assertEquals(List.of("model", "params"), back.header());
        assertEquals(List.of("a|b", "4,104,834"), back.rowCells(0));
        assertEquals(table.toHtml().replace("two\nlines", "two lines"), back.toHtml());
    }
}
