package org.kd4j.quality;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.data.augment.AugmentSettings;
import org.kd4j.data.augment.Augmentation;
import org.kd4j.data.augment.WordTagger;
import org.kd4j.data.glue.DataFormatException;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.SplitSpec;
import org.kd4j.distill.TaskData;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.Hashing;

/**
 * The augmented transfer set of a method ({@link AugmentPlan}): Tang et al.'s augmentation
 * ({@link Augmentation#write}) of exactly the training rows the method's cells use (the seeded {@code data.train_limit}
 * subset that {@link TaskData} picks, or the whole training split; with {@link AugmentRows#TRAINING_AND_UNLABELED},
 * those rows and then the cells' {@code data.unlabeled_train} rows), with lines equal to a dev example dropped as the
 * {@code augment} command drops them. It is written atomically to
 * {@code <results_dir>/<task>/augmented/aug-<hash>.tsv} ({@link #file}), then its record {@code aug-<hash>.json}
 * (settings, training rows, counts, the time it took); a file with a record of the same key is reused. The draws are
 * seeded by the settings' seed and the example's index alone, the subset by {@code data.seed}, and the tagger is
 * deterministic: the same plan makes a byte-identical file.
 *
 * @param file the transfer file
 * @param key what decides its content (see {@link #key})
 * @param task the task
 * @param settings the augmentation's settings
 * @param trainRows labeled training rows augmented
 * @param unlabeledRows unlabeled training rows augmented after them ({@code data.unlabeled_train}; 0 unless
 *     {@link AugmentRows#TRAINING_AND_UNLABELED})
 * @param trainLimit {@code data.train_limit} (0: all rows)
 * @param dataSeed {@code data.seed}, which picks the subset
 * @param trainSha256 SHA-256 of the training file
 * @param lines lines written
 * @param drawn samples drawn
 * @param droppedIdentical samples equal to their original example
 * @param droppedRepeated samples equal to a line written before
 * @param droppedDev samples equal to a dev example
 * @param bytes the file's size
 * @param seconds wall time of making it (reading, tagging, generating, writing)
 * @param finished when it finished (ISO-8601)
 * @param tagger the part-of-speech tagger and its model
 */
public record AugmentedTransferSet(String file, String key, String task, Map<String, Object> settings, int trainRows,
                                   int unlabeledRows, int trainLimit, long dataSeed, String trainSha256, long lines, long drawn,
                                   long droppedIdentical, long droppedRepeated, long droppedDev, long bytes, double seconds,
                                   String finished, String tagger) {

    /** The folder under {@code <results_dir>/<task>/}. */
    public static final String FOLDER = "augmented";

    private static final Logger LOG = LogManager.getLogger(AugmentedTransferSet.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * The identity of a set: the task, the data folder, the training subset ({@code train_limit}, {@code seed}), the
     * bad-row handling and the augmentation's settings; with {@link AugmentRows#TRAINING_AND_UNLABELED}, that and the
     * number of unlabeled rows ({@link AugmentRows#TRAINING} adds nothing, so the sets made before the choice existed
     * keep their names). Not the training file's content, so that a dry run needs no data.
     */
    static String key(GlueTask task, DataConfig data, AugmentSettings settings, AugmentRows rows) {
        List<String> fields = new ArrayList<>(List.of("kd4j.quality.augmented.v1", task.displayName(), data.dir(), Integer.toString(data.trainLimit()),
                Long.toString(data.seed()), data.onBadRow().name(), settings.toMap().toString()));
        if (rows != AugmentRows.TRAINING) {
            fields.add("rows=" + rows.name().toLowerCase(Locale.ROOT) + ":unlabeled_train=" + data.unlabeledTrain());
        }
        return Hashing.fieldsHex(fields.toArray(String[]::new));
    }

    /** {@code <folder>/aug-<first 16 hex digits of the key>.tsv}. */
    static Path file(Path folder, GlueTask task, DataConfig data, AugmentSettings settings, AugmentRows rows) {
        return folder.resolve("aug-" + key(task, data, settings, rows).substring(0, 16) + ".tsv");
    }

    /** This record naming its transfer file {@code file} instead (the results ledger's copy names it by file name). */
    AugmentedTransferSet withFile(String file) {
        return new AugmentedTransferSet(file, key, task, settings, trainRows, unlabeledRows, trainLimit, dataSeed, trainSha256, lines, drawn,
                droppedIdentical, droppedRepeated, droppedDev, bytes, seconds, finished, tagger);
    }

    /** The record beside a transfer file: {@code aug-<hash>.json}. */
    public static Path recordFile(Path transferFile) {
        String name = transferFile.getFileName().toString();
        return transferFile.resolveSibling(name.replaceFirst("\\.tsv$", "") + ".json");
    }

    /** The record of a transfer file; empty when there is none or it cannot be read (logged: the set is made again). */
    public static Optional<AugmentedTransferSet> read(Path transferFile) {
        Path file = recordFile(transferFile);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), AugmentedTransferSet.class));
        } catch (IOException e) {
            LOG.warn("{}: unreadable record ({}); the augmented set is made again", file, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The set at {@code out} made from {@code data}'s training rows of {@code task} ({@code rows} says which): reused when
     * {@code out} exists with a record of the same key and training file; otherwise made, written atomically, and
     * recorded.
     *
     * @param data the cells' data section; its {@code transfer_file} is ignored (the set is made from the training rows)
     * @throws KdException for {@link AugmentRows#TRAINING_AND_UNLABELED} when {@code data.unlabeled_train} is 0, before
     *     anything is written
     */
    public static AugmentedTransferSet ensure(Path out, GlueTask task, DataConfig data, AugmentSettings settings,
                                              AugmentRows rows, WordTagger tagger, Augmentation.Listener listener) {
        boolean withUnlabeled = rows == AugmentRows.TRAINING_AND_UNLABELED;
        if (withUnlabeled && data.unlabeledTrain() == 0) {
            throw new KdException("augment.rows training_and_unlabeled (" + out + "): the cells have no unlabeled rows to"
                    + " augment (data.unlabeled_train is 0); set data.unlabeled_train or rows: training");
        }
        String key = key(task, data, settings, rows);
        DataConfig source = new DataConfig(data.dir(), data.maxLength(), data.batchSize(), data.padding(), data.bucketing(),
                data.bucketBatches(), data.seed(), data.onBadRow(), data.trainLimit(), "", withUnlabeled ? data.unlabeledTrain() : 0);
        TaskData taskData = new TaskData(task, source);
        String trainSha256 = Hashing.fileHex("training data", taskData.trainFile());
        Optional<AugmentedTransferSet> recorded = read(out);
        if (recorded.isPresent() && Files.isRegularFile(out) && recorded.get().key().equals(key)
                && recorded.get().trainSha256().equals(trainSha256)) {
            LOG.info("{}: augmented transfer set reused ({} lines from {} training rows)", out, recorded.get().lines(),
                    recorded.get().trainRows());
            return recorded.get();
        }
        List<Example> train = new ArrayList<>(taskData.trainExamples());
        int labeled = train.size();
        train.addAll(taskData.unlabeledExamples());
        List<Example> dev = new ArrayList<>();
        for (SplitSpec split : Augmentation.devSplits(task)) {
            Path file = GlueDataset.fileOf(Path.of(data.dir()), task, split);
            if (!Files.isRegularFile(file)) {
                throw new DataFormatException(file, 0, "dev file not found (task " + task + ", split " + split.name()
                        + "); the augmented transfer set drops lines equal to a dev example and needs it");
            }
            dev.addAll(GlueDataset.load(file, task, split, data.onBadRow()).examples());
        }
        LOG.info("{}: augmenting {} training rows of {}, {} of them unlabeled (factor {}, seed {})", out, train.size(), task,
                train.size() - labeled, settings.factor(), settings.seed());
        long start = System.nanoTime();
        Augmentation.Summary[] summary = new Augmentation.Summary[1];
        try {
            AtomicFiles.write(out, stream -> {
                Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                summary[0] = Augmentation.write(task, train, dev, settings, tagger, writer, listener);
                writer.flush();
            });
            Augmentation.Summary s = summary[0];
            double seconds = (System.nanoTime() - start) / 1e9;
            AugmentedTransferSet record = new AugmentedTransferSet(out.toString(), key, task.displayName(), settings.toMap(),
                    labeled, train.size() - labeled, data.trainLimit(), data.seed(), trainSha256, s.written(), s.drawn(), s.identical(),
                    s.repeated(), s.inDev(), Files.size(out), seconds, Instant.now().toString(), s.tagger());
            AtomicFiles.write(recordFile(out), JSON.writeValueAsBytes(record));
            LOG.info("{}: {} lines from {} training rows in {} s", out, s.written(), train.size(),
                    String.format(Locale.ROOT, "%.1f", seconds));
            return record;
        } catch (IOException e) {
            throw new KdException("cannot write the augmented transfer set " + out + ": " + e.getMessage(), e);
        }
    }
}
