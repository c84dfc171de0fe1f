package org.kd4j.quality;

import java.nio.file.Path;
import java.util.Optional;

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

    public void write(Path dir) {
        RecordFiles.write(dir.resolve(FILE), this);
    }

    /** The record of a cell's run directory; empty when there is none or it cannot be read (logged: the cell re-runs). */
    public static Optional<CellRecord> read(Path dir) {
        return RecordFiles.read(dir.resolve(FILE), CellRecord.class, "the cell counts as unfinished");
    }
}
