package org.kd4j.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.DataConfig;
import org.kd4j.data.augment.AugmentSettings;
import org.kd4j.data.augment.Augmentation;
import org.kd4j.data.augment.PosTagger;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.distill.TaskData;
import org.kd4j.testing.SyntheticSst2;

/** A method's augmented transfer set: made from exactly the training subset, deterministic, reused, keyed by its settings. */
class AugmentedTransferSetTest {

    @Test
    void theSubsetIsAugmentedDeterministicallyAndReused(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 60, 1);
        SyntheticSst2.write(data, "dev", 16, 2);
        DataConfig config = ConfigLoader.load(List.of("data.dir=" + data, "data.train_limit=12", "data.seed=5")).data();
        // masking only, no n-grams: every line is a row of the subset with some words masked
        AugmentSettings settings = new AugmentSettings(4, 0.5, 0, 0, 1, 9, "[MASK]");
        Path a = AugmentedTransferSet.file(dir.resolve("a"), GlueTask.SST2, config, settings, AugmentRows.TRAINING);
        Path b = AugmentedTransferSet.file(dir.resolve("b"), GlueTask.SST2, config, settings, AugmentRows.TRAINING);
        AugmentedTransferSet first = AugmentedTransferSet.ensure(a, GlueTask.SST2, config, settings, AugmentRows.TRAINING, PosTagger.english(),
                Augmentation.Listener.none());
        AugmentedTransferSet second = AugmentedTransferSet.ensure(b, GlueTask.SST2, config, settings, AugmentRows.TRAINING, PosTagger.english(),
                Augmentation.Listener.none());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same settings and rows give the same bytes");
        assertEquals(12, first.trainRows());
        assertEquals(48, first.drawn());
        assertEquals(first.lines(), second.lines());
        assertEquals(first.lines() + first.droppedIdentical() + first.droppedRepeated() + first.droppedDev(), first.drawn());
        assertEquals(Files.size(a), first.bytes());

        List<Example> subset = new TaskData(GlueTask.SST2, config).trainExamples();
        assertEquals(12, subset.size());
        Set<String> subsetRows = subset.stream().map(e -> e.textA().strip()).collect(Collectors.toSet());
        for (String line : Files.readAllLines(a)) {
            assertTrue(subsetRows.stream().anyMatch(row -> masks(line, row)), "'" + line + "' is no row of the subset " + subsetRows);
        }

        // reused: same record, file untouched
        FileTime made = Files.getLastModifiedTime(a);
        AugmentedTransferSet again = AugmentedTransferSet.ensure(a, GlueTask.SST2, config, settings, AugmentRows.TRAINING, PosTagger.english(),
                Augmentation.Listener.none());
        assertEquals(first.toString(), again.toString(), "the record read back, not a new one");
        assertEquals(made, Files.getLastModifiedTime(a));

        // another seed or another subset is another file; a lost record makes the set again, the same bytes
        assertNotEquals(a, AugmentedTransferSet.file(dir.resolve("a"), GlueTask.SST2, config, settings.withSeed(10), AugmentRows.TRAINING));
        DataConfig other = ConfigLoader.load(List.of("data.dir=" + data, "data.train_limit=13", "data.seed=5")).data();
        assertNotEquals(a, AugmentedTransferSet.file(dir.resolve("a"), GlueTask.SST2, other, settings, AugmentRows.TRAINING));
        byte[] bytes = Files.readAllBytes(a);
        Files.delete(AugmentedTransferSet.recordFile(a));
        AugmentedTransferSet remade = AugmentedTransferSet.ensure(a, GlueTask.SST2, config, settings, AugmentRows.TRAINING, PosTagger.english(),
                Augmentation.Listener.none());
        assertArrayEquals(bytes, Files.readAllBytes(a));
        assertEquals(first.lines(), remade.lines());
        try (var files = Files.list(a.getParent())) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary file left");
        }
    }

    @Test
    void theUnlabeledRowsAreAugmentedAfterTheSubsetWhenAskedFor(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 60, 1);
        SyntheticSst2.write(data, "dev", 16, 2);
        DataConfig config = ConfigLoader.load(List.of("data.dir=" + data, "data.train_limit=12", "data.seed=5",
                "data.unlabeled_train=20")).data();
        AugmentSettings settings = new AugmentSettings(3, 0.5, 0, 0, 1, 9, "[MASK]");
        Path folder = dir.resolve("sets");
        Path subsetOnly = AugmentedTransferSet.file(folder, GlueTask.SST2, config, settings, AugmentRows.TRAINING);
        Path both = AugmentedTransferSet.file(folder, GlueTask.SST2, config, settings, AugmentRows.TRAINING_AND_UNLABELED);
        assertNotEquals(subsetOnly, both, "another choice of rows is another file");
        DataConfig more = ConfigLoader.load(List.of("data.dir=" + data, "data.train_limit=12", "data.seed=5",
                "data.unlabeled_train=21")).data();
        assertNotEquals(both, AugmentedTransferSet.file(folder, GlueTask.SST2, more, settings, AugmentRows.TRAINING_AND_UNLABELED),
                "and another number of unlabeled rows");
        assertEquals(subsetOnly, AugmentedTransferSet.file(folder, GlueTask.SST2, more, settings, AugmentRows.TRAINING),
                "which the subset's own set does not read");

        AugmentedTransferSet set = AugmentedTransferSet.ensure(both, GlueTask.SST2, config, settings,
                AugmentRows.TRAINING_AND_UNLABELED, PosTagger.english(), Augmentation.Listener.none());
        assertEquals(12, set.trainRows());
        assertEquals(20, set.unlabeledRows());
        assertEquals((12 + 20) * 3, set.drawn());
        assertEquals(set.lines() + set.droppedIdentical() + set.droppedRepeated() + set.droppedDev(), set.drawn());
        AugmentedTransferSet own = AugmentedTransferSet.ensure(subsetOnly, GlueTask.SST2, config, settings,
                AugmentRows.TRAINING, PosTagger.english(), Augmentation.Listener.none());
        assertEquals(0, own.unlabeledRows());
        assertEquals(12 * 3, own.drawn());

        // every line masks a row of the subset or of the unlabeled rows, and both kinds occur
        TaskData rows = new TaskData(GlueTask.SST2, config);
        Set<String> subset = rows.trainExamples().stream().map(e -> e.textA().strip()).collect(Collectors.toSet());
        Set<String> unlabeled = rows.unlabeledExamples().stream().map(e -> e.textA().strip()).collect(Collectors.toSet());
        assertEquals(20, rows.unlabeledSize());
        int fromSubset = 0;
        int fromUnlabeled = 0;
        for (String line : Files.readAllLines(both)) {
            boolean a = subset.stream().anyMatch(row -> masks(line, row));
            boolean b = unlabeled.stream().anyMatch(row -> masks(line, row));
            assertTrue(a || b, "'" + line + "' masks no row the cells see");
            fromSubset += a ? 1 : 0;
            fromUnlabeled += b && !a ? 1 : 0;
        }
        assertTrue(fromSubset > 0 && fromUnlabeled > 0, fromSubset + " lines from the subset, " + fromUnlabeled + " from the rest");
        // the same rows and settings give the same bytes: made again after its record is lost
        byte[] bytes = Files.readAllBytes(both);
        Files.delete(AugmentedTransferSet.recordFile(both));
        AugmentedTransferSet.ensure(both, GlueTask.SST2, config, settings, AugmentRows.TRAINING_AND_UNLABELED,
                PosTagger.english(), Augmentation.Listener.none());
        assertArrayEquals(bytes, Files.readAllBytes(both));
    }

    @Test
    void augmentingUnlabeledRowsThatAreNotThereWritesNothing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 30, 1);
        SyntheticSst2.write(data, "dev", 8, 2);
        DataConfig config = ConfigLoader.load(List.of("data.dir=" + data, "data.train_limit=12")).data();
        AugmentSettings settings = new AugmentSettings(2, 0.5, 0, 0, 1, 9, "[MASK]");
        Path out = AugmentedTransferSet.file(dir.resolve("sets"), GlueTask.SST2, config, settings,
                AugmentRows.TRAINING_AND_UNLABELED);
        KdException e = assertThrows(KdException.class, () -> AugmentedTransferSet.ensure(out, GlueTask.SST2, config,
                settings, AugmentRows.TRAINING_AND_UNLABELED, PosTagger.english(), Augmentation.Listener.none()));
        assertTrue(e.getMessage().contains("data.unlabeled_train is 0"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("sets")), "nothing written");
    }

    /** Whether {@code line} is {@code row} with some words replaced by the mask token. */
    private static boolean masks(String line, String row) {
        String[] l = line.split(" ");
        String[] r = row.split(" ");
        if (l.length != r.length) {
            return false;
        }
        for (int i = 0; i < l.length; i++) {
            if (!l[i].equals("[MASK]") && !l[i].equals(r[i])) {
                return false;
            }
        }
        return true;
    }
}
