package org.kd4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ../shared} folder beside the project (present for developers and CI, absent in a user's clone).
 * Tests that need it skip with a message saying so; everything that matters also runs on shipped data.
 */
public final class SharedData {

    public static final Path ROOT = Path.of("..", "shared");
    public static final Path DATASETS = ROOT.resolve("datasets");
    /** The data shipped in the repository ({@code datasets/}: SST-2 train and dev). */
    public static final Path SHIPPED = Path.of("datasets");

    private SharedData() {}

    /** Skips the calling test when {@code ../shared/datasets} is absent. */
    public static Path requireDatasets() {
        assumeTrue(Files.isDirectory(DATASETS),
                "skipped: ../shared/datasets not found beside the project (only developers and CI have it)");
        return DATASETS;
    }
}
