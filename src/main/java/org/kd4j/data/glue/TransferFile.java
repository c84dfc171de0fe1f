package org.kd4j.data.glue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Unlabeled transfer data for distillation: a UTF-8 text file with one example per line (for sentence-pair tasks,
 * the two texts separated by a tab). Teachers label it (soft labels, or their arg-max with hard distillation);
 * only students train on it. Lines are read as strictly as task files: an empty text or a wrong field count is an
 * error naming file and line, or is skipped and counted under {@link OnBadRow#SKIP}.
 */
public final class TransferFile {

    private static final Logger LOG = LogManager.getLogger(TransferFile.class);

    private TransferFile() {}

    public static List<Example> read(Path file, GlueTask task, OnBadRow onBadRow) {
        List<Example> examples = new ArrayList<>();
        forEach(file, task, onBadRow, examples::add);
        return examples;
    }

    /**
     * Streams the examples of {@code file} to {@code sink} in file order, one at a time (a file of millions of lines
     * is never held whole), and returns how many there were: the same examples, ids and checks as {@link #read}.
     *
     * @throws DataFormatException naming the file (and line) when it is missing, holds no example, or has a bad line
     *     under {@link OnBadRow#FAIL}
     */
    public static int forEach(Path file, GlueTask task, OnBadRow onBadRow, Consumer<Example> sink) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new DataFormatException(file, 0, "transfer file not found (data.transfer_file)");
        }
        int count = 0;
        int skipped = 0;
        try (StrictLineReader lines = new StrictLineReader(file)) {
            for (String line; (line = lines.next()) != null; ) {
                String problem = null;
                String[] fields = line.split("\t", -1);
                int expected = task.isPair() ? 2 : 1;
                if (fields.length != expected) {
                    problem = "expected " + expected + " tab-separated text(s) for task " + task + ", found " + fields.length;
                } else if (fields[0].isBlank() || (task.isPair() && fields[1].isBlank())) {
                    problem = "empty text; expected a sentence";
                }
                if (problem == null) {
                    sink.accept(new Example("transfer-" + lines.lineNumber(), lines.lineNumber(), fields[0],
                            task.isPair() ? fields[1] : null, Example.NO_LABEL, Double.NaN));
                    count++;
                } else if (onBadRow == OnBadRow.FAIL) {
                    throw new DataFormatException(file, lines.lineNumber(), problem + " (use --on-bad-row skip to skip such rows)");
                } else {
                    skipped++;
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("{}: skipped {} bad line(s)", file, skipped);
        }
        if (count == 0) {
            throw new DataFormatException(file, 0, "the transfer file holds no examples");
        }
        return count;
    }
}
