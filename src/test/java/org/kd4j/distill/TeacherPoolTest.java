package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.train.Progress;

/**
 * {@code run.measure_teachers: false}: a cached teacher whose logits are all cached is not loaded (no timed dev pass);
 * its scores and size are the same as when it is; a missing logit file loads that teacher, and only that one. With the
 * hidden loss, a teacher's pooled representations computed in the pass of its logits are those of the teacher's model.
 */
class TeacherPoolTest {

    private static List<Teacher> pool(Path yaml, boolean measure, int[] loaded) {
        ExperimentConfig config = ConfigLoader.load(yaml, List.of("run.measure_teachers=" + measure));
        TeacherPool pool = new TeacherPool(config, new TaskData(config.task(), config.data()), Progress.off());
        List<Teacher> teachers = pool.teachers();
        loaded[0] = pool.loadedFromCache();
        return teachers;
    }

    /**
     * Writes synthetic SST-2 (80 training, 32 dev rows) under {@code root/data} and a run of two tiny native teachers, cnn
     * and lstm, trained 1 epoch, as {@code root/teachers.yaml}, with {@code runExtra} added to its run section.
     */
    static Path twoTeachers(Path root, String runExtra) throws java.io.IOException {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 80, 1);
        DistillationRunTest.writeSst2(data, "dev", 32, 2);
        return Files.writeString(root.resolve("teachers.yaml"), """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 1, learning_rate: 0.01}
                  - name: lstm
                    model: {type: bilstm, hidden: 16, ffn: 16}
                    train: {epochs: 1, learning_rate: 0.01}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                run: {dir: %s, cache_dir: %s%s}
                """.formatted(data, root.resolve("run"), root.resolve("cache"), runExtra));
    }

    @Test
    void cachedTeachersAreNotLoadedWhenNotMeasured(@TempDir Path root) throws Exception {
        Path yaml = twoTeachers(root, "");
        int[] loaded = new int[1];
        List<Teacher> trained = pool(yaml, true, loaded);
        assertEquals(0, loaded[0], "trained here, not loaded");
        assertTrue(trained.stream().allMatch(t -> !t.cached() && t.evalSeconds() > 0));

        List<Teacher> fromLogits = pool(yaml, false, loaded);
        assertEquals(0, loaded[0], "every logit is cached: no teacher model is loaded");
        for (int i = 0; i < trained.size(); i++) {
            Teacher a = trained.get(i);
            Teacher b = fromLogits.get(i);
            assertTrue(b.cached());
            assertEquals(0.0, b.evalSeconds(), "no dev pass is timed");
            assertEquals(a.parameters(), b.parameters(), "the size comes from the provenance file");
            assertEquals(a.dev().main(), b.dev().main());
            for (int r = 0; r < a.devLogits().length; r++) {
                assertArrayEquals(a.devLogits()[r], b.devLogits()[r]);
            }
            assertEquals(a.trainLogits().length, b.trainLogits().length);
            assertTrue(b.trainSeconds() > 0, "the training time comes from the provenance file");
        }

        pool(yaml, true, loaded);
        assertEquals(2, loaded[0], "measured: both teachers are loaded and timed");

        // one teacher's dev logits gone: that teacher alone is loaded to score the dev set again
        Teacher lstm = trained.get(1);
        ExperimentConfig config = ConfigLoader.load(yaml, List.of());
        TaskData task = new TaskData(config.task(), config.data());
        Path devLogits = new LogitCache(root.resolve("cache/logits")).file(new CacheKey(lstm.modelFile(), task.devFile(),
                lstm.tokenizer().fingerprint(), 24, "dev"));
        assertTrue(Files.isRegularFile(devLogits), devLogits.toString());
        Files.delete(devLogits);
        List<Teacher> again = pool(yaml, false, loaded);
        assertEquals(1, loaded[0]);
        assertTrue(Files.isRegularFile(devLogits), "computed and cached again");
        assertEquals(lstm.dev().main(), again.get(1).dev().main(), 1e-6);
    }

    /**
     * With the hidden loss on, a teacher whose training logits are not cached gives its pooled representations from the
     * same pass; they (and the logits) are those its saved model computes on its own, row for row, and equal those a
     * later run computes alone when only the pooled file is missing.
     */
    @Test
    void pooledRepresentationsFromTheLogitsPassAreTheModelsOwn(@TempDir Path root) throws Exception {
        Path yaml = twoTeachers(root, "");
        ExperimentConfig config = ConfigLoader.load(yaml, List.of("distill.hidden_weight=1.0"));
        TaskData task = new TaskData(config.task(), config.data());
        List<Teacher> first = new TeacherPool(config, task, Progress.off()).teachers();
        for (Teacher t : first) {
            org.kd4j.model.TextClassifier model = org.kd4j.model.TextClassifier.load(t.modelFile());
            org.kd4j.data.batch.EncodedDataset train = task.train(t.tokenizer());
            float[][] features = model.features(train, 16, t.tokenizer().padId());
            float[][] logits = model.logits(train, 16, t.tokenizer().padId());
            assertEquals(train.size(), t.trainFeatures().length, t.name());
            for (int r = 0; r < train.size(); r++) {
                assertArrayEquals(features[r], t.trainFeatures()[r], 1e-5f, t.name() + " row " + r);
                assertArrayEquals(logits[r], t.trainLogits()[r], 1e-5f, t.name() + " row " + r);
            }
        }
        List<Path> pooled;
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve("cache/logits"))) {
            pooled = files.filter(f -> f.toString().endsWith(".pooled")).toList();
        }
        assertEquals(2, pooled.size(), "one file of pooled representations per teacher: " + pooled);
        for (Path f : pooled) {
            Files.delete(f);
        }
        // the logits are cached now: the pooled representations are computed by a pass of their own
        List<Teacher> again = new TeacherPool(config, task, Progress.off()).teachers();
        for (int i = 0; i < first.size(); i++) {
            float[][] a = first.get(i).trainFeatures();
            float[][] b = again.get(i).trainFeatures();
            assertEquals(a.length, b.length);
            for (int r = 0; r < a.length; r++) {
                assertArrayEquals(a[r], b[r], 1e-5f, first.get(i).name() + " row " + r);
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve("cache/logits"))) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".pooled")).count(), "written again");
        }
    }
}
