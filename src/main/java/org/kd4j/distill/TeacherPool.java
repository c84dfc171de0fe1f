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
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.CacheKind;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.cache.TeacherKey;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.Trainer;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.TextClassifier;

/**
 * Trains the run's teachers, or takes them from the cache, and scores the training and dev sets once per teacher.
 *
 * <p>Every teacher, whatever its origin, is a {@link TeacherModel} and is scored by one path. A teacher's model file is
 * keyed by everything that decides its weights ({@link TeacherKey}: its config, the task, the training file's contents
 * and subset, its tokenizer, the max length); its logits by the model file's contents, the data file's, the tokenizer
 * and the max length ({@link CacheKey}). Both live under {@code run.cache_dir} and are shared by
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
    /** The teachers' pooled representations, beside their logits (same keys, files {@code .pooled}). */
    private final LogitCache pooled;
    private final Progress progress;
    private int loadedFromCache;

    public TeacherPool(ExperimentConfig config, TaskData data, Progress progress) {
        this.config = config;
        this.data = data;
        this.cacheDir = Path.of(config.run().cacheDir());
        this.logits = new LogitCache(cacheDir.resolve("logits"));
        this.pooled = new LogitCache(cacheDir.resolve("logits"), CacheKind.POOLED);
        this.progress = progress;
    }

    public List<Teacher> teachers() {
        List<Teacher> out = new ArrayList<>();
        for (int i = 0; i < config.teachers().size(); i++) {
            TeacherConfig t = config.teachers().get(i);
            out.add(teacher(i, t));
            org.kd4j.util.NativeGarbage.collect("teacher " + t.name());
        }
        return out;
    }

    private Teacher teacher(int index, TeacherConfig t) {
        Ready ready = ready(t);
        BertTokenizer tokenizer = ready.tokenizer();
        EncodedDataset train = data.train(tokenizer);
        Teacher scored = scored(t, ready.prepared(), tokenizer, train, data.dev(tokenizer));
        if (!config.distill().hidden()) {
            return scored;
        }
        float[][] features = features(index, t, ready.prepared().model(), tokenizer, train);
        return new Teacher(scored.config(), scored.modelFile(), scored.tokenizer(), scored.trainLogits(), scored.devLogits(),
                scored.dev(), scored.parameters(), scored.trainSeconds(), scored.cached(), scored.evalSeconds(), features);
    }

    /**
     * A teacher ready to score data other than the run's own (the {@code score} command): trained or fine-tuned here,
     * or taken from the cache, exactly as {@link #teachers()} does, so its model file and its logits' cache keys are
     * the ones a distillation run uses.
     *
     * @param model the teacher (a cached one is loaded when first used)
     * @param tokenizer its own tokenizer
     * @param tokenizerSpec how {@link BertTokenizer#load(String)} loads that tokenizer again (on a Spark executor)
     */
    public record Scorer(TeacherConfig config, TeacherModel model, BertTokenizer tokenizer, String tokenizerSpec) {
        public String name() {
            return config.name();
        }
    }

    /** {@link Scorer}s of every teacher of the run, in config order. */
    public List<Scorer> scorers() {
        List<Scorer> out = new ArrayList<>();
        for (TeacherConfig t : config.teachers()) {
            Ready ready = ready(t);
            out.add(new Scorer(t, ready.prepared().model(), ready.tokenizer(), ready.tokenizerSpec()));
        }
        return out;
    }

    /** A teacher trained or loaded, with its tokenizer and that tokenizer's spec. */
    private record Ready(Prepared prepared, BertTokenizer tokenizer, String tokenizerSpec) { }

    private Ready ready(TeacherConfig t) {
        String key = "teachers[" + t.name() + "].init";
        EncoderSource.Files encoder = t.pretrained() ? EncoderSource.parse(key, t.init()).resolve(key, cacheDir) : null;
        BertTokenizer tokenizer = encoder != null ? PretrainedEncoders.tokenizer(key, t.vocab(), encoder)
                : BertTokenizer.load(t.vocab().isEmpty() ? config.tokenizer().vocab() : t.vocab());
        String spec = !t.vocab().isEmpty() ? t.vocab()
                : encoder != null ? encoder.tokenizer().map(Path::toString).orElseThrow()
                : config.tokenizer().vocab();
        Prepared prepared = t.external()
                ? new Prepared(ImportedTeachers.model(t, cacheDir, data.task()), 0, true)
                : trainedOrCached(t, key, encoder, tokenizer, data.train(tokenizer), data.dev(tokenizer));
        return new Ready(prepared, tokenizer, spec);
    }

    /**
     * The teacher's pooled representations of the same rows as its training logits (train, then transfer, then unlabeled
     * rows), through the cache of pooled representations: keyed like the logits, a file of its own kind.
     *
     * @throws KdException when the teacher has no pooled representation kd4j can read, or {@code distill.hidden_dims}
     *     names another width
     */
    private float[][] features(int index, TeacherConfig t, TeacherModel scorer, BertTokenizer tokenizer, EncodedDataset train) {
        java.util.OptionalInt width = scorer.featureWidth();
        if (width.isEmpty()) {
            throw new KdException("teachers[" + t.name() + "]: distill.hidden_weight " + config.distill().hiddenWeight()
                    + " needs the teacher's pooled representation, and " + scorer.file() + " is a graph imported as it is"
                    + " (generic SameDiff import), which has none kd4j can read; expected a teacher on kd4j's own graphs"
                    + " (trained here, fine-tuned from an encoder, or an imported BERT-layout classifier), or hidden_weight 0");
        }
        List<Integer> dims = config.distill().hiddenDims();
        if (!dims.isEmpty() && dims.get(index) != width.getAsInt()) {
            throw new KdException("distill.hidden_dims[" + index + "] = " + dims.get(index) + " does not match teacher "
                    + t.name() + ", whose pooled representation is " + width.getAsInt() + " wide");
        }
        DataConfig d = config.data();
        int batch = Math.max(64, d.batchSize());
        int cols = width.getAsInt();
        float[][] out = pooled.getOrCompute(
                new CacheKey(scorer.file(), data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.trainVariant()),
                train.size(), cols, () -> scorer.features(train, batch, tokenizer.padId()));
        if (data.hasTransfer()) {
            EncodedDataset transfer = data.transfer(tokenizer);
            out = concat(out, pooled.getOrCompute(
                    new CacheKey(scorer.file(), data.transferFile(), tokenizer.fingerprint(), d.maxLength(), "transfer"),
                    transfer.size(), cols, () -> scorer.features(transfer, batch, tokenizer.padId())));
        }
        if (data.hasUnlabeled()) {
            EncodedDataset unlabeled = data.unlabeled(tokenizer);
            out = concat(out, pooled.getOrCompute(
                    new CacheKey(scorer.file(), data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.unlabeledVariant()),
                    unlabeled.size(), cols, () -> scorer.features(unlabeled, batch, tokenizer.padId())));
        }
        return out;
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A teacher ready to score, with its training time and whether it came from the cache (or from elsewhere). */
    private record Prepared(TeacherModel model, double trainSeconds, boolean cached) { }

    /** A teacher trained (or fine-tuned) here, or its model file from an earlier run ({@link TeacherKey}). */
    private Prepared trainedOrCached(TeacherConfig t, String key, EncoderSource.Files encoder, BertTokenizer tokenizer,
                                     EncodedDataset train, EncodedDataset dev) {
        DataConfig d = config.data();
        TeacherKey teacherKey = new TeacherKey(t.name(), ConfigLoader.toYaml(t), encoder == null ? "" : encoder.sha256(),
                data.task().displayName(), data.trainFile(), data.trainVariant(), tokenizer.fingerprint(), d.maxLength(),
                d.batchSize(), d.bucketing());
        TeacherKey.Files files = teacherKey.files(cacheDir.resolve("teachers"), teacherKey.hash());
        Path modelFile = files.model();
        if (Files.isRegularFile(modelFile)) {
            Optional<TeacherProvenance> provenance = TeacherProvenance.read(modelFile);
            double seconds = provenance.map(TeacherProvenance::trainSeconds).orElse(0.0);
            LOG.info("teacher {}: from the cache ({})", t.name(), modelFile);
            // with measure_teachers off, the model is loaded only when a logit is not cached, and its size is read
            // from its provenance
            boolean measure = config.run().measureTeachers();
            long knownParameters = measure ? 0 : provenance.map(TeacherProvenance::parameters).orElse(0L);
            NativeTeacherModel model = NativeTeacherModel.lazy(modelFile, () -> loadCached(t, modelFile), knownParameters);
            if (measure) {
                model.model();
            }
            return new Prepared(model, seconds, true);
        }
        TextClassifier model = encoder != null
                ? PretrainedEncoders.initialise(key, encoder, tokenizer, t.vocab().isEmpty()
                                ? encoder.tokenizer().map(Path::toString).orElse("(none)") : t.vocab(), d.maxLength(), data.task().numOutputs(),
                        t.initPooling(), t.train().seed(), 0)
                : TextClassifier.create(t.model(), tokenizer.vocabSize(), data.task().numOutputs(), t.train().seed());
        LOG.info("teacher {}: {} {} ({} parameters) on {} examples", t.name(), encoder != null ? "fine-tuning" : "training",
                encoder != null ? encoder.description() : t.model().type(), Runs.parameterCount(model), train.size());
        double seconds = Trainer.builder("teacher " + t.name(), model, train, dev).training(t.train()).data(d)
                .padId(tokenizer.padId()).workDir(files.work()).parallelism(config.run().parallelism()).progress(progress)
                .build().fit(true).seconds();
        model.save(modelFile);
        TeacherProvenance.write(modelFile, TeacherProvenance.of(t.name(), java.time.Instant.now().toString(),
                encoder == null ? "" : encoder.description(), encoder == null ? "" : encoder.sha256(), data.task().displayName(),
                data.trainFile().toString(), data.trainVariant(), train.size(), tokenizer.fingerprint(), seconds,
                Runs.parameterCount(model)));
        deleteQuietly(files.work());
        return new Prepared(NativeTeacherModel.of(model, modelFile), seconds, false);
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

    /** Any teacher's logits on the train (plus transfer and unlabeled rows) and dev sets, through the logit cache, and its dev metrics. */
    private Teacher scored(TeacherConfig t, Prepared prepared, BertTokenizer tokenizer, EncodedDataset train, EncodedDataset dev) {
        DataConfig d = config.data();
        TeacherModel scorer = prepared.model();
        Path modelFile = scorer.file();
        long parameters = scorer.parameters();
        int batch = Math.max(64, d.batchSize());
        int outputs = data.task().numOutputs();
        float[][] trainLogits = logits.getOrCompute(
                new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.trainVariant()),
                train.size(), outputs, () -> scorer.logits(train, batch, tokenizer.padId(), config.run().parallelism()));
        // with measure_teachers (the default) the dev pass is always run and timed: the table reports every model's
        // inference speed measured in this run; without, cached dev logits are used as they are (no speed reported)
        double evalSeconds = 0;
        Supplier<float[][]> devPass = () -> scorer.logits(dev, batch, tokenizer.padId(), config.run().parallelism());
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
                    transfer.size(), outputs, () -> scorer.logits(transfer, batch, tokenizer.padId(), config.run().parallelism()));
            float[][] both = java.util.Arrays.copyOf(trainLogits, trainLogits.length + transferLogits.length);
            System.arraycopy(transferLogits, 0, both, trainLogits.length, transferLogits.length);
            trainLogits = both;
        }
        if (data.hasUnlabeled()) {
            EncodedDataset unlabeled = data.unlabeled(tokenizer);
            float[][] unlabeledLogits = logits.getOrCompute(
                    new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(), data.unlabeledVariant()),
                    unlabeled.size(), outputs, () -> scorer.logits(unlabeled, batch, tokenizer.padId(), config.run().parallelism()));
            float[][] both = java.util.Arrays.copyOf(trainLogits, trainLogits.length + unlabeledLogits.length);
            System.arraycopy(unlabeledLogits, 0, both, trainLogits.length, unlabeledLogits.length);
            trainLogits = both;
        }
        Evaluation evaluation = Evaluation.of(data.task(), devLogits, dev.labels(), dev.scores());
        LOG.info("teacher {}: dev {}", t.name(), evaluation);
        return new Teacher(t, modelFile, tokenizer, trainLogits, devLogits, evaluation, parameters, prepared.trainSeconds(),
                prepared.cached(), evalSeconds, null);
    }

    private static void deleteQuietly(Path dir) {
        try {
            org.kd4j.util.FileTrees.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
