package org.kd4j.distill.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.TaskData;
import org.kd4j.distill.train.Progress;
import org.kd4j.testing.SyntheticSst2;

/**
 * A scoring stopped after three of five chunks (as a crash would: the listener throws after chunk 2 is stored) starts
 * again from its stored chunks: only the last two are scored, and the assembled cache file is byte-identical to one
 * scored in a single go.
 */
class TeacherScoringResumeTest {

    @Test
    void aStoppedScoringScoresOnlyTheMissingChunksAndEndsWithTheSameFile(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        SyntheticSst2.write(data, "train", 80, 1);
        SyntheticSst2.write(data, "dev", 32, 2);
        Path yaml = root.resolve("t.yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16}
                teachers:
                  - name: tf
                    model: {type: transformer, layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 32, pooling: mean}
                    train: {epochs: 1, learning_rate: 0.01}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                run: {dir: %s, cache_dir: %s, measure_teachers: false}
                """.formatted(data, root.resolve("run"), root.resolve("cache")));
        Path transfer = root.resolve("transfer.txt");
        Files.write(transfer, SyntheticSst2.rows(300, 5, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT).stream()
                .map(SyntheticSst2.Row::sentence).toList());
        ExperimentConfig config = ConfigLoader.load(yaml, List.of());

        TeacherScoring.ChunkListener crash = (teacher, chunk) -> {
            if (chunk == 2) {
                throw new IllegalStateException("stopped after chunk 2");
            }
        };
        TeacherScoring stopped = new TeacherScoring(config, 64, Progress.off(), crash);
        TaskData taskData = stopped.taskData();
        ScoreInput input = ScoreInput.transfer(transfer, config.task(), config.data().onBadRow());
        assertEquals(300, input.rows());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stopped.run(taskData, input, TeacherScoring.LOCAL));
        assertEquals("stopped after chunk 2", e.getMessage());
        Path logits = root.resolve("cache").resolve("logits");
        List<Path> partials;
        try (var s = Files.list(logits)) {
            partials = s.toList();
        }
        assertEquals(1, partials.size(), "only the chunk directory: " + partials);
        try (var s = Files.list(partials.get(0))) {
            assertEquals(3, s.count(), "chunks 0, 1 and 2 stored");
        }

        List<Integer> scored = new ArrayList<>();
        ChunkScorer.Factory counting = teacher -> chunk -> {
            scored.add(chunk.size());
            return teacher.scoreLocally(chunk);
        };
        TeacherScoring resumed = new TeacherScoring(config, 64, Progress.off(), TeacherScoring.ChunkListener.NONE);
        TeacherScoring.Result result = resumed.run(taskData, input, counting).get(0);
        assertEquals(List.of(64, 44), scored, "only chunks 3 and 4 (rows 192..299) are scored again");
        assertEquals(2, result.chunksScored());
        assertEquals(3, result.chunksSkipped());
        assertFalse(Files.exists(partials.get(0)), "chunks deleted once assembled");
        byte[] afterResume = Files.readAllBytes(result.file());

        Files.delete(result.file());
        scored.clear();
        TeacherScoring.Result whole = resumed.run(taskData, input, counting).get(0);
        assertEquals(List.of(64, 64, 64, 64, 44), scored);
        assertEquals(result.file(), whole.file());
        assertArrayEquals(Files.readAllBytes(whole.file()), afterResume, "resumed file differs from one scored in one go");
        assertTrue(resumed.run(taskData, input, counting).get(0).wasCached());
    }
}
