package org.kd4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * XChart is an optional dependency: only {@code org.kd4j.plot} may use it, and the plot package uses nothing of
 * kd4j but {@code util}, so that the packages above it (hpo, later the training curves of a run) reach XChart only
 * through it.
 */
class PlotDependencyTest {

    private static final List<Path> SOURCE_ROOTS = List.of(Path.of("src/main/java"),
            Path.of("model-import/src/main/java"), Path.of("examples"));
    private static final Path PLOT = Path.of("src/main/java/org/kd4j/plot");

    @Test
    void onlyThePlotPackageImportsXChart() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : SOURCE_ROOTS) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(PLOT))
                        .filter(f -> read(f).contains("org.knowm.xchart"))
                        .forEach(f -> offenders.add(f.toString()));
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void thePlotPackageUsesOnlyUtilOfKd4j() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.list(PLOT)) {
            files.forEach(f -> read(f).lines()
                    .filter(l -> l.startsWith("import org.kd4j.") && !l.startsWith("import org.kd4j.util."))
                    .forEach(l -> offenders.add(f.getFileName() + ": " + l)));
        }
        assertEquals(List.of(), offenders);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }
}
