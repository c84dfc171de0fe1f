package org.kd4j.quality;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;

/**
 * What the benchmark records in a finished cell's run directory ({@value #FILE}), written atomically after the run:
 * its presence, with the run directory finished, marks the cell done.
 *
 * @param task the task
 * @param student the student's name in the plan
 * @param cell the cell's id ({@link Cell#id()})
 * @param seed the student's seed
 * @param seconds wall time of the cell's run (data, teachers from the cache, the student's training and evaluation,
 *     writing the run directory)
 * @param finished when it finished (ISO-8601)
 * @param command the command that ran it
 * @param configSha256 the SHA-256 of the run's resolved configuration ({@link QualityCell#configSha256()}): a cell done
 *     with another configuration (the plan was edited since) is stale and runs again
 */
public record CellRecord(String task, String student, String cell, long seed, double seconds, String finished,
                         String command, String configSha256) {

    public static final String FILE = "quality-cell.json";

    private static final Logger LOG = LogManager.getLogger(CellRecord.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public void write(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new KdException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The record of a cell's run directory; empty when there is none or it cannot be read (logged: the cell re-runs). */
    public static Optional<CellRecord> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), CellRecord.class));
        } catch (IOException e) {
            LOG.warn("{}: unreadable cell record ({}); the cell counts as unfinished", file, e.getMessage());
            return Optional.empty();
        }
    }
}
