package org.kd4j.data.glue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.datavec.api.split.FileSplit;

/**
 * All examples of one split of a task, read through {@link GlueRecordReader}.
 *
 * @param file the file read
 * @param skipped rows skipped under {@link OnBadRow#SKIP}
 * @param skipMessages the first few of their messages
 */
public record GlueDataset(GlueTask task, SplitSpec split, Path file, List<Example> examples, int skipped,
                          List<String> skipMessages) {

    private static final Logger LOG = LogManager.getLogger(GlueDataset.class);

    public GlueDataset {
        examples = List.copyOf(examples);
        skipMessages = List.copyOf(skipMessages);
    }

    /** Where a split lives under a data directory: {@code <dataDir>/glue/SST-2/train.tsv}. */
    public static Path fileOf(Path dataDir, GlueTask task, SplitSpec split) {
        return dataDir.resolve(task.folder()).resolve(split.fileName());
    }

    public static GlueDataset load(Path dataDir, GlueTask task, String splitName, OnBadRow onBadRow) {
        SplitSpec split = task.split(splitName);
        return load(fileOf(dataDir, task, split), task, split, onBadRow);
    }

    public static GlueDataset load(Path file, GlueTask task, SplitSpec split, OnBadRow onBadRow) {
        GlueRecordReader reader = new GlueRecordReader(task, split, onBadRow);
        List<Example> examples = new ArrayList<>();
        GlueRecordReader.requireFile(file, task, split);
        try {
            reader.initialize(new FileSplit(file.toFile()));
            while (reader.hasNext()) {
                examples.add(reader.nextExample());
            }
        } finally {
            reader.close();
        }
        if (reader.skipped() > 0) {
            LOG.warn("{}: skipped {} bad row(s) of {}; first: {}", file, reader.skipped(),
                    examples.size() + reader.skipped(), reader.skipMessages().get(0));
        }
        return new GlueDataset(task, split, file, examples, reader.skipped(), reader.skipMessages());
    }

    public int size() {
        return examples.size();
    }

    /** Gold label ids (classification) in example order. */
    public int[] labels() {
        return examples.stream().mapToInt(Example::label).toArray();
    }

    /** Gold scores (regression) in example order. */
    public double[] scores() {
        return examples.stream().mapToDouble(Example::score).toArray();
    }
}
