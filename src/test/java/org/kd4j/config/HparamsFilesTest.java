package org.kd4j.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every YAML file under {@code hparams/} loads and validates: no preset goes stale unnoticed. */
class HparamsFilesTest {

    @TestFactory
    Stream<DynamicTest> everyPresetLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("hparams"))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "hparams/ holds no presets");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> {
            if (f.startsWith(Path.of("hparams", "sweeps"))) {
                // a sweep space: its base preset, fixed overrides and every swept key must be valid
                assertNotNull(org.kd4j.hpo.Sweep.checkSpace(ConfigLoader.loadRecord(f, org.kd4j.hpo.SweepConfig.class)).task());
            } else if (f.startsWith(Path.of("hparams", "quality"))) {
                // a benchmark plan: its own keys and every (task, student) run configuration it makes must be valid
                assertFalse(org.kd4j.quality.QualityPlan.load(f).tasks().isEmpty());
            } else {
                assertNotNull(ConfigLoader.load(f, List.of()).task());
            }
        }));
    }
}
