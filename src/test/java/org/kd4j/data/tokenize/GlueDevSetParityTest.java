package org.kd4j.data.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.glue.SplitSpec;
import org.kd4j.testing.SharedData;

/**
 * Every example of every available GLUE/SuperGLUE dev set encodes to the same ids and token types as the real
 * Hugging Face tokenizer: each text alone (no truncation) and the task's input (pair where the task has one)
 * truncated longest-first to 128 tokens, uncased and cased.
 */
class GlueDevSetParityTest {

    private static final int MAX_LENGTH = 128;

    @Test
    void everyDevSetOfSharedData() {
        Path root = SharedData.requireDatasets();
        List<String> checked = new ArrayList<>();
        int texts = 0;
        for (GlueTask task : GlueTask.values()) {
            SplitSpec dev = task.devSplit();
            Path file = GlueDataset.fileOf(root, task, dev);
            if (Files.isRegularFile(file)) {
                texts += check(GlueDataset.load(file, task, dev, OnBadRow.FAIL));
                checked.add(task.displayName());
            }
        }
        assertEquals(List.of("CoLA", "SST-2", "MRPC", "STS-B", "QNLI", "RTE", "WNLI", "CB", "SuperGLUE-RTE"), checked);
        // CoLA 1,043 + SST-2 872 + MRPC 2x408 + STS-B 2x1,500 + QNLI 2x5,463 + RTE 2x277 + WNLI 2x71 + CB 2x56
        // + SuperGLUE-RTE 2x277 texts
        assertEquals(18_019, texts);
    }

    @Test
    void shippedSst2Dev() {
        GlueDataset dev = GlueDataset.load(SharedData.SHIPPED, GlueTask.SST2, "dev", OnBadRow.FAIL);
        assertEquals(872, check(dev));
    }

    /** Compares every text and every task input; returns the number of texts compared. */
    private static int check(GlueDataset data) {
        int texts = 0;
        for (boolean cased : new boolean[] {false, true}) {
            BertTokenizer ours = BertTokenizer.load(cased ? "bert-base-cased" : "bert-base-uncased");
            HfOracle whole = cased ? HfOracle.cased(HfOracle.NO_LIMIT) : HfOracle.uncased(HfOracle.NO_LIMIT);
            HfOracle truncating = cased ? HfOracle.cased(MAX_LENGTH) : HfOracle.uncased(MAX_LENGTH);
            for (Example e : data.examples()) {
                String where = data.file() + ":" + e.line() + (cased ? " (cased)" : " (uncased)");
                for (String text : e.isPair() ? new String[] {e.textA(), e.textB()} : new String[] {e.textA()}) {
                    assertArrayEquals(whole.wordPieceIds(text), ours.wordPieceIds(text), where + ": " + text);
                    texts += cased ? 0 : 1;
                }
                Encoding expected = truncating.encode(e.textA(), e.textB());
                Encoding actual = ours.encode(e.textA(), e.textB(), MAX_LENGTH);
                assertArrayEquals(expected.inputIds(), actual.inputIds(), where);
                assertArrayEquals(expected.tokenTypeIds(), actual.tokenTypeIds(), where);
            }
        }
        return texts;
    }
}
