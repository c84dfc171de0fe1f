package org.kd4j.data.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad row fails with file, line and the expectation, or is skipped and counted. */
class BadInputTest {

    @TempDir Path root;

    private Path rte(String... rows) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("index\tsentence1\tsentence2\tlabel"));
        lines.addAll(List.of(rows));
        return OfficialLayoutFiles.write(root, GlueTask.RTE, "train.tsv", lines);
    }

    private DataFormatException fails(GlueTask task, String split) {
        return assertThrows(DataFormatException.class, () -> GlueDataset.load(root, task, split, OnBadRow.FAIL));
    }

    @Test
    void wrongColumnCountNamesFileLineAndColumns() throws IOException {
        Path file = rte("0\tA man.\tA person.\tentailment", "1\tA dog barks.\tnot_entailment");
        DataFormatException e = fails(GlueTask.RTE, "train");
        assertEquals(file, e.file());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(file + ":3: expected 4 tab-separated columns (index, sentence1, sentence2, label), found 3"),
                e.getMessage());
    }

    @Test
    void unknownLabelListsTheLabelSet() throws IOException {
        rte("0\tA man.\tA person.\tmaybe");
        DataFormatException e = fails(GlueTask.RTE, "train");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("unknown label 'maybe' in field 'label'; expected one of entailment, not_entailment"),
                e.getMessage());
    }

    @Test
    void emptySentence() throws IOException {
        rte("0\t  \tA person.\tentailment");
        DataFormatException e = fails(GlueTask.RTE, "train");
        assertTrue(e.getMessage().contains("empty text in field 'sentence1'"), e.getMessage());
    }

    @Test
    void missingFileSaysHowToGetIt() {
        DataFormatException e = fails(GlueTask.MNLI, "train");
        assertTrue(e.getMessage().contains("glue/MNLI/train.tsv"), e.getMessage());
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
        assertTrue(e.getMessage().contains("fetch-glue.sh"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesLineAndByte() throws IOException {
        Path file = rte("0\tA man.\tA person.\tentailment");
        byte[] bad = "1\tCaf\u00e9 \tA caf".getBytes(StandardCharsets.UTF_8);
        byte[] row = new byte[bad.length + 1 + "\tentailment\n".length()];
        System.arraycopy(bad, 0, row, 0, bad.length);
        row[bad.length] = (byte) 0xE9; // Latin-1 'é', invalid as UTF-8
        System.arraycopy("\tentailment\n".getBytes(StandardCharsets.UTF_8), 0, row, bad.length + 1, "\tentailment\n".length());
        Files.write(file, row, java.nio.file.StandardOpenOption.APPEND);
        DataFormatException e = fails(GlueTask.RTE, "train");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("invalid UTF-8 at byte " + (bad.length + 1) + " of the line (0xE9)"), e.getMessage());
    }

    @Test
    void headerWithoutARequiredColumn() throws IOException {
        OfficialLayoutFiles.write(root, GlueTask.SST2, "train.tsv", List.of("text\tlabel", "fine\t1"));
        DataFormatException e = fails(GlueTask.SST2, "train");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("header has no column 'sentence'; found columns: text, label"), e.getMessage());
    }

    @Test
    void invalidJsonLine() throws IOException {
        OfficialLayoutFiles.write(root, GlueTask.CB, "train.jsonl", List.of(
                "{\"premise\": \"It rained.\", \"hypothesis\": \"It was wet.\", \"label\": \"entailment\", \"idx\": 0}",
                "{\"premise\": \"It rained.\", \"hypothesis\": "));
        DataFormatException e = fails(GlueTask.CB, "train");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void jsonFieldOfTheWrongType() throws IOException {
        OfficialLayoutFiles.write(root, GlueTask.CB, "train.jsonl", List.of(
                "{\"premise\": 3, \"hypothesis\": \"It was wet.\", \"label\": \"entailment\", \"idx\": 0}"));
        assertTrue(fails(GlueTask.CB, "train").getMessage().contains("field 'premise' should be a string, found NUMBER"));
    }

    @Test
    void skipModeCountsAndReportsEveryBadRow() throws IOException {
        rte("0\tA man.\tA person.\tentailment",
                "1\tA dog barks.\tnot_entailment",
                "2\tA cat.\tAn animal.\tmaybe",
                "3\t\tAn animal.\tentailment",
                "4\tA bird.\tAn animal.\tentailment");
        GlueDataset d = GlueDataset.load(root, GlueTask.RTE, "train", OnBadRow.SKIP);
        assertEquals(2, d.size());
        assertEquals(3, d.skipped());
        assertEquals(List.of(2, 6), d.examples().stream().map(Example::line).toList());
        assertEquals(3, d.skipMessages().size());
        assertTrue(d.skipMessages().get(0).contains(":3: expected 4 tab-separated columns"), d.skipMessages().get(0));
        assertTrue(d.skipMessages().get(1).contains(":4: unknown label 'maybe'"), d.skipMessages().get(1));
    }
}
