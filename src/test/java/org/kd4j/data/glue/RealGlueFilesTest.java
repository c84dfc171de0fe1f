package org.kd4j.data.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.testing.SharedData;

/**
 * The real GLUE/SuperGLUE files load with the published row counts: the shipped SST-2 always, every task in
 * {@code ../shared/datasets} when it is present.
 */
class RealGlueFilesTest {

    @Test
    void shippedSst2MatchesPublishedCountsAndLabels() {
        GlueDataset train = GlueDataset.load(SharedData.SHIPPED, GlueTask.SST2, "train", OnBadRow.FAIL);
        GlueDataset dev = GlueDataset.load(SharedData.SHIPPED, GlueTask.SST2, "dev", OnBadRow.FAIL);
        assertEquals(67_349, train.size());
        assertEquals(872, dev.size());
        assertEquals(37_569, java.util.Arrays.stream(train.labels()).filter(l -> l == 1).count());
        assertEquals(444, java.util.Arrays.stream(dev.labels()).filter(l -> l == 1).count());
        assertTrue(dev.examples().get(0).textA().endsWith(" "), "GLUE's trailing space is kept");
    }

    @Test
    void everySharedFileMatchesItsPublishedRowCount() {
        Path root = SharedData.requireDatasets();
        List<String> checked = new ArrayList<>();
        for (GlueTask task : GlueTask.values()) {
            for (SplitSpec split : task.splits()) {
                Path file = GlueDataset.fileOf(root, task, split);
                if (!Files.exists(file)) {
                    continue;
                }
                GlueDataset d = GlueDataset.load(file, task, split, OnBadRow.FAIL);
                assertEquals(split.publishedRows(), d.size(), file.toString());
                assertEquals(0, d.skipped());
                checked.add(task + "/" + split.name());
            }
        }
        // ../shared/datasets holds CoLA, SST-2, MRPC, STS-B, RTE, WNLI (3 splits each), QNLI dev and test,
        // SuperGLUE CB and RTE (3 each)
        assertEquals(26, checked.size(), "files checked: " + checked);
    }
}
