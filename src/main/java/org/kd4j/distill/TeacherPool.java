package org.kd4j.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.imports.encoder.EncoderSource;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.Trainer;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Hashing;

/**
 * Trains the run's teachers, or takes them from the cache, and scores the training and dev sets once per teacher.
 *
 * <p>A teacher's model file is keyed by everything that decides its weights (its config, the task, the training
 * file's contents and subset, its tokenizer, the max length); its logits by the model file's contents, the data
 * file's, the tokenizer and the max length ({@link CacheKey}). Both live under {@code run.cache_dir} and are shared by
 * runs and sweeps: a teacher is trained once and scored once. With {@code run.measure_teachers: false} a cached teacher
 * is not even loaded when all its logits are cached (runs that only need its scores, such as the quality benchmark's
 * cells, then skip the model's loading and the timed dev pass).
 */
public final class TeacherPool {

    private static final Logger LOG = LogManager.getLogger(TeacherPool.class);

    private final ExperimentConfig config;
    private final TaskData data;
    private final Path cacheDir;
    private final LogitCache logits;
    private final Progress progress;
    private int loadedFromCache;

    public TeacherPool(ExperimentConfig config, TaskData data, Progress progress) {
        this.config = config;
        this.data = data;
        this.cacheDir = Path.of(config.run().cacheDir());
        this.logits = new LogitCache(cacheDir.resolve("logits"));
        this.progress = progress;
    }

    public List<Teacher> teachers() {
        List<Teacher> out = new ArrayList<>();
        for (TeacherConfig t : config.teachers()) {
            out.add(teacher(t));
            org.kd4j.util.NativeGarbage.collect("teacher " + t.name());
        }
        return out;
    }

    private Teacher teacher(TeacherConfig t) {
        String key = "teachers[" + t.name() + "].init";
        EncoderSource.Files encoder = t.pretrained() ? EncoderSource.parse(key, t.init()).resolve(key, cacheDir) : null;
        BertTokenizer tokenizer = encoder != null ? PretrainedEncoders.tokenizer(key, t.vocab(), encoder)
                : BertTokenizer.load(t.vocab().isEmpty() ? config.tokenizer().vocab() : t.vocab());
        EncodedDataset train = data.train(tokenizer);
        EncodedDataset dev = data.dev(tokenizer);
        DataConfig d = config.data();
        if (t.external()) {
            return importedTeacher(t, tokenizer, train, dev, d);
        }
        String cacheKey = Hashing.fieldsHex("kd4j.teacher.v1", ConfigLoader.toYaml(t), encoder == null ? "" : encoder.sha256(),
                data.task().displayName(),
                Hashing.fileHex("training data", data.trainFile()), data.trainVariant(), tokenizer.fingerprint(),
                Integer.toString(d.maxLength()), Integer.toString(d.batchSize()), Boolean.toString(d.bucketing()));
        Path modelFile = cacheDir.resolve("teachers").resolve(t.name() + "-" + cacheKey.substring(0, 16) + ".kdm");
        if (Files.isRegularFile(modelFile)) {
            Optional<TeacherProvenance> provenance = TeacherProvenance.read(modelFile);
            double seconds = provenance.map(TeacherProvenance::trainSeconds).orElse(0.0);
            LOG.info("teacher {}: from the cache ({})", t.name(), modelFile);
            // with measure_teachers off, the model is loaded only when a logit is not cached
            Lazy<TextClassifier> model = new Lazy<>(() -> loadCached(t, modelFile));
            if (config.run().measureTeachers()) {
                model.get();
            }
            long parameters = provenance.filter(p -> p.parameters() > 0 && !config.run().measureTeachers())
                    .map(TeacherProvenance::parameters).orElseGet(() -> Runs.parameterCount(model.get()));
            return scored(t, modelFile, tokenizer, train, dev, (set, batch, pad) -> model.get().logits(set, batch, pad, config.run().parallelism()),
                    parameters, seconds, true);
        }
        Path work = cacheDir.resolve("teachers").resolve(t.name() + "-" + cacheKey.substring(0, 16) + ".work");
        TextClassifier model = encoder != null
                ? PretrainedEncoders.initialise(key, encoder, tokenizer, t.vocab().isEmpty()
                                ? encoder.tokenizer().map(Path::toString).orElse("(none)") : t.vocab(), d.maxLength(), data.task().numOutputs(),
                        t.initPooling(), t.train().seed(), 0)
                : TextClassifier.create(t.model(), tokenizer.vocabSize(), data.task().numOutputs(), t.train().seed());
        LOG.info("teacher {}: {} {} ({} parameters) on {} examples", t.name(), encoder != null ? "fine-tuning" : "training",
                encoder != null ? encoder.description() : t.model().type(), Runs.parameterCount(model), train.size());
        double seconds = Trainer.builder("teacher " + t.name(), model, train, dev).training(t.train()).data(d)
                .padId(tokenizer.padId()).workDir(work).parallelism(config.run().parallelism()).progress(progress)
                .build().fit(true).seconds();
        model.save(modelFile);
        TeacherProvenance.write(modelFile, new TeacherProvenance(t.name(), java.time.Instant.now().toString(),
                encoder == null ? "" : encoder.description(), encoder == null ? "" : encoder.sha256(), data.task().displayName(),
                data.trainFile().toString(), data.trainVariant(), train.size(), tokenizer.fingerprint(), seconds,
                Runs.parameterCount(model)));
        deleteQuietly(work);
        return scored(t, modelFile, tokenizer, train, dev, (set, batch, pad) -> model.logits(set, batch, pad, config.run().parallelism()),
                Runs.parameterCount(model), seconds, false);
    }

    /**
     * How many cached teacher models this pool has loaded so far: with {@code run.measure_teachers: false} and every
     * logit cached, none.
     */
    public int loadedFromCache() {
        return loadedFromCache;
    }

    private TextClassifier loadCached(TeacherConfig t, Path modelFile) {
        TextClassifier model = TextClassifier.load(modelFile);
        loadedFromCache++;
        if (model.outputs() != data.task().numOutputs()) {
            throw new KdException("teachers[" + t.name() + "]: expects " + model.outputs() + " labels, task "
                    + data.task() + " has " + data.task().numOutputs() + " (file " + modelFile + ")");
        }
        return model;
    }

    /** A value computed on first use (teacher models loaded only when something must be scored). */
    private static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> make;
        private T value;

        Lazy(Supplier<T> make) {
            this.make = make;
        }

        @Override
        public T get() {
            if (value == null) {
                value = make.get();
            }
            return value;
        }
    }

    /** Scores examples for a teacher: its logits on a data set, in data order. */
    @FunctionalInterface
    interface Scorer {
        float[][] logits(EncodedDataset data, int batchSize, int padId);
    }

    /**
     * A teacher trained elsewhere: no training here, only scoring. An ONNX classifier of a BERT layout runs on kd4j's own
     * transformer (converted once into a native model file in the cache); other files on the generic imported graph.
     */
    private Teacher importedTeacher(TeacherConfig t, BertTokenizer tokenizer, EncodedDataset train, EncodedDataset dev, DataConfig d) {
        java.util.Optional<ImportedTeachers.NativeTeacher> nativeTeacher = ImportedTeachers.nativeModel(t, cacheDir, data.task());
        if (nativeTeacher.isPresent()) {
            TextClassifier m = nativeTeacher.get().model();
            LOG.info("teacher {}: imported {} on kd4j's transformer", t.name(), t.imported());
            return scored(t, nativeTeacher.get().file(), tokenizer, train, dev, (set, batch, pad) -> m.logits(set, batch, pad, config.run().parallelism()),
                    Runs.parameterCount(m), 0, true);
        }
        Path modelFile = ImportedTeachers.modelFile(t, cacheDir);
        org.kd4j.imports.contract.ImportedModel model = ImportedTeachers.load(t, modelFile, data.task());
        LOG.info("teacher {}: imported {} ({})", t.name(), modelFile, model.contract().describe());
        return scored(t, modelFile, tokenizer, train, dev, (set, batch, pad) -> ImportedTeachers.logits(model, set, batch, pad),
                ImportedTeachers.parameterCount(model), 0, true);
    }

    /** Any teacher's logits on the train (plus transfer and unlabeled rows) and dev sets, through the logit cache, and its dev metrics. */
    private Teacher scored(TeacherConfig t, Path modelFile, BertTokenizer tokenizer, EncodedDataset train, EncodedDataset dev,
                           Scorer scorer, long parameters, double seconds, boolean cached) {
        DataConfig d = config.data();
        int batch = Math.max(64, d.batchSize());
        int outputs = data.task().numOutputs();
        float[][] trainLogits = logits.getOrCompute(
                new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.trainVariant()),
                train.size(), outputs, () -> scorer.logits(train, batch, tokenizer.padId()));
        // with measure_teachers (the default) the dev pass is always run and timed: the table reports every model's
        // inference speed measured in this run; without, cached dev logits are used as they are (no speed reported)
        double evalSeconds = 0;
        Supplier<float[][]> devPass = () -> scorer.logits(dev, batch, tokenizer.padId());
        if (config.run().measureTeachers()) {
            long start = System.nanoTime();
            float[][] fresh = devPass.get();
            evalSeconds = (System.nanoTime() - start) / 1e9;
            devPass = () -> fresh;
        }
        float[][] devLogits = logits.getOrCompute(
                new CacheKey(modelFile, data.devFile(), tokenizer.fingerprint(), d.maxLength(), "dev"),
                dev.size(), outputs, devPass);
        if (data.hasTransfer()) {
            EncodedDataset transfer = data.transfer(tokenizer);
            float[][] transferLogits = logits.getOrCompute(
                    new CacheKey(modelFile, data.transferFile(), tokenizer.fingerprint(), d.maxLength(), "transfer"),
                    transfer.size(), outputs, () -> scorer.logits(transfer, batch, tokenizer.padId()));
            float[][] both = java.util.Arrays.copyOf(trainLogits, trainLogits.length + transferLogits.length);
            System.arraycopy(transferLogits, 0, both, trainLogits.length, transferLogits.length);
            trainLogits = both;
        }
        if (data.hasUnlabeled()) {
            EncodedDataset unlabeled = data.unlabeled(tokenizer);
            float[][] unlabeledLogits = logits.getOrCompute(
                    new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.unlabeledVariant()),
                    unlabeled.size(), outputs, () -> scorer.logits(unlabeled, batch, tokenizer.padId()));
            float[][] both = java.util.Arrays.copyOf(trainLogits, trainLogits.length + unlabeledLogits.length);
            System.arraycopy(unlabeledLogits, 0, both, trainLogits.length, unlabeledLogits.length);
            trainLogits = both;
        }
        Evaluation evaluation = Evaluation.of(data.task(), devLogits, dev.labels(), dev.scores());
        LOG.info("teacher {}: dev {}", t.name(), evaluation);
        return new Teacher(t, modelFile, tokenizer, trainLogits, devLogits, evaluation, parameters, seconds, cached, evalSeconds);
    }

    private static void deleteQuietly(Path dir) {
        try {
            org.kd4j.util.FileTrees.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
