package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;

/** A run's parallelism: validated, read from {@code run.parallelism}, and written with the resolved config. */
class ParallelismTest {

    @Test
    void defaultsAreTheClisAndValuesAreChecked() {
        Parallelism d = Parallelism.defaults();
        assertEquals(1, d.threadsPerOp());
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), d.workers());
        assertEquals(0, d.microBatchTokens());
        assertEquals(new Parallelism(1, 1, 0), Parallelism.sequential());
        assertTrue(assertThrows(KdException.class, () -> new Parallelism(1, 0, 0)).getMessage().contains("workers = 0"));
        assertTrue(assertThrows(KdException.class, () -> new Parallelism(-1, 1, 0)).getMessage().contains("threads_per_op"));
        assertTrue(assertThrows(KdException.class, () -> new Parallelism(1, 1, -5)).getMessage().contains("micro_batch_tokens"));
    }

    @Test
    void aPresetsRunParallelismIsReadOverriddenAndWrittenBack() {
        ExperimentConfig c = ConfigLoader.load(List.of("run.parallelism.workers=3", "run.parallelism.micro_batch_tokens=512"));
        assertEquals(new Parallelism(1, 3, 512), c.run().parallelism());
        String yaml = ConfigLoader.toYaml(c);
        assertTrue(yaml.contains("parallelism:") && yaml.contains("workers: 3") && yaml.contains("micro_batch_tokens: 512"), yaml);
        assertFalse(ConfigLoader.toYamlWithout(c, "run.parallelism").contains("micro_batch_tokens"));
        KdException e = assertThrows(KdException.class, () -> ConfigLoader.load(List.of("run.parallelism.workers=0")));
        assertTrue(e.getMessage().contains("workers = 0"), e.getMessage());
        KdException unknown = assertThrows(KdException.class, () -> ConfigLoader.load(List.of("run.parallelism.threads=2")));
        assertTrue(unknown.getMessage().contains("unknown key 'run.parallelism.threads'"), unknown.getMessage());
    }

    @Test
    void splittingNeedsEnoughWorkPerPart() {
        assertFalse(Parallelism.worthSplitting(4096, 256, 1));
        assertTrue(Parallelism.worthSplitting(2048, 256, 2));
        assertFalse(Parallelism.worthSplitting(2047, 256, 2));
        assertTrue(Parallelism.worthSplitting(1024, 512, 2)); // 4x the work per token
    }
}
