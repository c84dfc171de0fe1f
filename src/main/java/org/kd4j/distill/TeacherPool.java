package org.kd4j.distill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.DataConfig;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.config.TeacherConfig;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.CacheKind;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.cache.TeacherKey;
import org.kd4j.distill.train.CoFinetuner;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.Trainer;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Hashing;

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
 *
 * <p>With a teacher ledger ({@code run.teacher_ledger}), the pool keeps there a copy of each teacher's receipt (its
 * provenance with the model file's SHA-256) and of every logit file it reads or writes. On a machine without the model
 * file, such as a fresh clone of a repository that commits the ledger, a teacher trained apart is then taken from its
 * receipt, without fine-tuning it again, when the run needs only its logits ({@code measure_teachers: false}, no hidden
 * loss, not the layer loss's teacher) and every one of them is in the cache or the ledger. Otherwise it is fine-tuned
 * again, as without a ledger. Co-finetuned teachers come from their receipts all together, all from one joint run (each
 * receipt names its partners' models, {@code partner_models}), or are co-finetuned again.
 * Fine-tuning a teacher again on another machine may give another model (the same configuration gave byte-identical
 * models on some machines and not on others): the ledger then keeps the receipt it displaces under {@code earlier/},
 * and a teacher is taken from whichever of its receipts has every logit the run needs.
 */
public final class TeacherPool {

    private static final Logger LOG = LogManager.getLogger(TeacherPool.class);

    /** The teacher ledger's folder of receipts its newer ones displaced ({@link #keepReceipt}). */
    static final String EARLIER = "earlier";

    private final ExperimentConfig config;
    private final TaskData data;
    private final Path cacheDir;
    private final LogitCache logits;
    /** The run's teacher ledger ({@code run.teacher_ledger}); null: none. */
    private final Path ledger;
    /** The teachers' pooled representations, beside their logits (same keys, files {@code .pooled}). */
    private final LogitCache pooled;
    private final Progress progress;
    private int loadedFromCache;
    /** The teacher {@code distill.layers} names, on kd4j's graph, once {@link #teachers()} has it; null otherwise. */
    private TextClassifier layerTeacher;

    public TeacherPool(ExperimentConfig config, TaskData data, Progress progress) {
        this.config = config;
        this.data = data;
        this.cacheDir = Path.of(config.run().cacheDir());
        this.ledger = config.run().teacherLedgerDir().orElse(null);
        this.logits = new LogitCache(cacheDir.resolve("logits"), CacheKind.LOGITS,
                ledger == null ? null : ledger.resolve("logits"));
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
        forgetCofinetuned();
        return out;
    }

    private Teacher teacher(int index, TeacherConfig t) {
        Ready ready = ready(t, true);
        if (config.distill().layers().on() && t.name().equals(config.distill().layers().teacher())
                && ready.prepared().model() instanceof NativeTeacherModel n) {
            layerTeacher = n.model(); // the model the pool trained or loaded, kept for the layer loss (not loaded again)
        }
        BertTokenizer tokenizer = ready.tokenizer();
        EncodedDataset train = data.train(tokenizer);
        if (!config.distill().hidden()) {
            return scored(t, ready.prepared(), tokenizer, train, data.dev(tokenizer), null);
        }
        // a part whose logits are not cached is scored once for both its logits and its pooled representations
        Map<String, float[][]> pooledByKey = new HashMap<>();
        Teacher scored = scored(t, ready.prepared(), tokenizer, train, data.dev(tokenizer), pooledByKey);
        float[][] features = features(index, t, ready.prepared().model(), scored.modelDigest(), tokenizer, train, pooledByKey);
        return new Teacher(scored.config(), scored.modelFile(), scored.tokenizer(), scored.trainLogits(), scored.devLogits(),
                scored.dev(), scored.parameters(), scored.trainSeconds(), scored.cached(), scored.evalSeconds(), features,
                scored.modelSha256());
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
            Ready ready = ready(t, false);
            out.add(new Scorer(t, ready.prepared().model(), ready.tokenizer(), ready.tokenizerSpec()));
        }
        forgetCofinetuned();
        return out;
    }

    /** A teacher trained or loaded, with its tokenizer and that tokenizer's spec. */
    private record Ready(Prepared prepared, BertTokenizer tokenizer, String tokenizerSpec) { }

    /**
     * @param receiptOk whether a teacher whose model file is absent may come from its receipt (when only its cached
     *     logits are needed); false when the caller scores new data with the model
     */
    private Ready ready(TeacherConfig t, boolean receiptOk) {
        Source source = source(t);
        BertTokenizer tokenizer = source.tokenizer();
        Prepared prepared = t.external()
                ? new Prepared(ImportedTeachers.model(t, cacheDir, data.task()), 0, true, "")
                : config.teacherStage().cofinetuned() ? cofinetuned(receiptOk).get(t.name())
                : trainedOrCached(t, source.key(), source.encoder(), tokenizer, data.train(tokenizer), data.dev(tokenizer),
                        receiptOk);
        return new Ready(prepared, tokenizer, source.spec());
    }

    /**
     * Where a teacher comes from: its config key (for errors), its encoder's files (null unless {@code init:}), its
     * tokenizer and that tokenizer's spec.
     */
    private record Source(TeacherConfig config, String key, EncoderSource.Files encoder, BertTokenizer tokenizer, String spec) { }

    private Source source(TeacherConfig t) {
        String key = "teachers[" + t.name() + "].init";
        EncoderSource.Files encoder = t.pretrained() ? EncoderSource.parse(key, t.init()).resolve(key, cacheDir) : null;
        BertTokenizer tokenizer = encoder != null ? PretrainedEncoders.tokenizer(key, t.vocab(), encoder)
                : BertTokenizer.load(t.vocab().isEmpty() ? config.tokenizer().vocab() : t.vocab());
        String spec = !t.vocab().isEmpty() ? t.vocab()
                : encoder != null ? encoder.tokenizer().map(Path::toString).orElseThrow()
                : config.tokenizer().vocab();
        return new Source(t, key, encoder, tokenizer, spec);
    }

    /**
     * With {@code teacher_stage.training: cofinetuned}, checks everything that can fail before training (the encoders
     * resolve and load, the teachers can share one head) and builds the teachers' initial models, so that a run can
     * refuse bad input before it writes its directory; a no-op when teachers train apart or every co-finetuned teacher
     * is cached or has a receipt (that joint run finished before). {@link #teachers()} and {@link #scorers()} do it
     * themselves when it was not called.
     *
     * @throws KdException naming the teachers and sizes when they cannot share a head
     */
    public void prepare() {
        if (config.teacherStage().cofinetuned() && cofinetuned == null && pendingJoint == null) {
            pendingJoint = joint();
        }
    }

    /** The co-finetuned teachers by name, trained here together or taken from the cache (computed once). */
    private Map<String, Prepared> cofinetuned;
    /** The co-finetuning's members built by {@link #prepare()}, waiting to be trained; null when none. */
    private Joint pendingJoint;

    /** Every co-finetuned teacher's source and cache files, and the members to train when any is not cached. */
    private record Joint(List<Source> sources, List<TeacherKey.Files> files, List<CoFinetuner.Member> members) { }

    private Joint joint() {
        List<Source> sources = config.teachers().stream().map(this::source).toList();
        List<TeacherKey.Files> files = new ArrayList<>();
        for (Source s : sources) {
            TeacherKey key = cofinetunedKey(s, sources);
            files.add(key.files(cacheDir.resolve("teachers"), key.hash()));
        }
        // every model cached, or every receipt kept (the same joint run finished before): nothing to build yet
        if (files.stream().allMatch(f -> Files.isRegularFile(f.model()) || receipt(f.model()).isPresent())) {
            return new Joint(sources, files, List.of());
        }
        return new Joint(sources, files, members(sources));
    }

    /** The co-finetuning's members (each teacher's initial model and data), checked to share one head. */
    private List<CoFinetuner.Member> members(List<Source> sources) {
        List<CoFinetuner.Member> members = new ArrayList<>();
        for (Source s : sources) {
            members.add(new CoFinetuner.Member(s.config().name(), initialModel(s.config(), s.key(), s.encoder(), s.tokenizer()),
                    data.train(s.tokenizer()), data.dev(s.tokenizer()), s.tokenizer().padId()));
        }
        CoFinetuner.checkShareable(members);
        return members;
    }

    /**
     * A co-finetuned teacher's cache key: {@link TeacherKey} with, in place of the teacher's config alone, its config
     * followed by the teacher stage and every teacher of the joint run (config, encoder SHA-256, tokenizer), so that
     * it never meets the key of the same teacher trained apart, nor of one co-finetuned with other partners.
     */
    private TeacherKey cofinetunedKey(Source s, List<Source> all) {
        DataConfig d = config.data();
        StringBuilder yaml = new StringBuilder(ConfigLoader.toYaml(s.config()));
        yaml.append("teacher_stage:\n").append(ConfigLoader.toYaml(config.teacherStage()).indent(2));
        for (Source p : all) {
            yaml.append("cofinetuned_teacher:\n").append(ConfigLoader.toYaml(p.config()).indent(2))
                    .append("  encoder_sha256: ").append(p.encoder() == null ? "" : p.encoder().sha256()).append('\n')
                    .append("  tokenizer: ").append(p.tokenizer().fingerprint()).append('\n');
        }
        return new TeacherKey(s.config().name(), yaml.toString(), s.encoder() == null ? "" : s.encoder().sha256(),
                data.task().displayName(), data.trainFile(), trainingVariant(), s.tokenizer().fingerprint(), d.maxLength(),
                d.batchSize(), d.bucketing());
    }

    /**
     * @param receiptOk whether teachers whose model files are absent may come from their receipts ({@link #fromReceipt});
     *     all of them must, or the joint run trains them all again
     */
    private Map<String, Prepared> cofinetuned(boolean receiptOk) {
        if (cofinetuned != null) {
            return cofinetuned;
        }
        prepare();
        Joint joint = pendingJoint;
        pendingJoint = null;
        Map<String, Prepared> out = new java.util.LinkedHashMap<>();
        if (joint.files().stream().allMatch(f -> Files.isRegularFile(f.model()))) {
            for (int k = 0; k < joint.sources().size(); k++) {
                TeacherConfig t = joint.sources().get(k).config();
                out.put(t.name(), fromCache(t, joint.files().get(k).model()));
                keepReceipt(joint.files().get(k).model());
            }
            cofinetuned = out;
            return out;
        }
        if (receiptOk) {
            Optional<Map<String, Prepared>> fromReceipts = jointFromReceipts(joint);
            if (fromReceipts.isPresent()) {
                cofinetuned = fromReceipts.get();
                return cofinetuned;
            }
        }
        List<CoFinetuner.Member> members = joint.members().isEmpty() ? members(joint.sources()) : joint.members();
        List<String> names = config.teachers().stream().map(TeacherConfig::name).toList();
        Path work = joint.files().get(0).work();
        TeacherConfig first = config.teachers().get(0);
        CoFinetuner.Result result = new CoFinetuner(members, first.train(), config.data(), config.run().parallelism(),
                work).fit();
        // every model saved first: each receipt names its partners' models of this joint run (partner_models)
        Map<String, String> shas = new java.util.LinkedHashMap<>();
        for (int k = 0; k < joint.sources().size(); k++) {
            Path modelFile = joint.files().get(k).model();
            result.models().get(k).save(modelFile);
            shas.put(names.get(k), Hashing.fileHex("teacher model", modelFile));
        }
        for (int k = 0; k < joint.sources().size(); k++) {
            Source s = joint.sources().get(k);
            TeacherConfig t = s.config();
            TextClassifier model = result.models().get(k);
            Path modelFile = joint.files().get(k).model();
            List<String> partners = names.stream().filter(n -> !n.equals(t.name())).toList();
            Map<String, String> partnerModels = new java.util.LinkedHashMap<>(shas);
            partnerModels.remove(t.name());
            TeacherProvenance.write(modelFile, TeacherProvenance.of(t.name(), java.time.Instant.now().toString(),
                    s.encoder() == null ? "" : s.encoder().description(), s.encoder() == null ? "" : s.encoder().sha256(),
                    data.task().displayName(), data.trainFile().toString(), data.trainVariant(), members.get(k).train().size(),
                    s.tokenizer().fingerprint(), result.seconds(), Runs.parameterCount(model)).cofinetunedWith(partners)
                    .withModelSha256(shas.get(t.name())).withPartnerModels(partnerModels));
            LOG.info("teacher {}: co-finetuned with {}, dev {} (epoch {}), saved as {}", t.name(), partners, result.dev().get(k),
                    result.bestEpoch() + 1, modelFile);
            keepReceipt(modelFile);
            out.put(t.name(), new Prepared(NativeTeacherModel.of(model, modelFile), result.seconds(), false, ""));
        }
        deleteQuietly(work);
        cofinetuned = out;
        return out;
    }

    /**
     * Lets the co-finetuned teachers' models go once they are scored (as a teacher trained apart is): the pool would
     * otherwise hold every teacher's weights while the students train. A later call takes them from the cache.
     */
    private void forgetCofinetuned() {
        cofinetuned = null;
    }

    /**
     * What a teacher's cache key records of how it is trained beyond its config: the training subset, and on a regression
     * task that its head starts at the training scores' mean ({@code Trainer}) and that a batch split over workers or
     * into micro-batches carries its squared error ({@code Batch.labeledRows}; before, it carried no loss: bge-small
     * on STS-B never moved from its initial weights), so that a teacher fine-tuned before either is not taken from the
     * cache.
     */
    private String trainingVariant() {
        return data.trainVariant() + (data.task().isRegression() ? ";regression_head=mean;split_regression_loss" : "");
    }

    /** A teacher's initial model: an encoder with a fresh head ({@code init:}), or a fresh model of its config. */
    private TextClassifier initialModel(TeacherConfig t, String key, EncoderSource.Files encoder, BertTokenizer tokenizer) {
        DataConfig d = config.data();
        return encoder != null
                ? PretrainedEncoders.initialise(key, encoder, tokenizer, t.vocab().isEmpty()
                                ? encoder.tokenizer().map(Path::toString).orElse("(none)") : t.vocab(), d.maxLength(), data.task().numOutputs(),
                        t.initPooling(), t.train().seed(), 0)
                : TextClassifier.create(t.model(), tokenizer.vocabSize(), data.task().numOutputs(), t.train().seed());
    }

    /**
     * The teacher's pooled representations of the same rows as its training logits (train, then transfer, then unlabeled
     * rows), through the cache of pooled representations: keyed like the logits, a file of its own kind.
     *
     * @param modelSha256 the teacher model file's SHA-256 ({@link Teacher#modelDigest()})
     * @param fromLogitPass pooled representations the logits' pass computed, by cache key hash ({@link #scored}); taken
     *     from it instead of computed again
     * @throws KdException when the teacher has no pooled representation kd4j can read, or {@code distill.hidden_dims}
     *     names another width
     */
    private float[][] features(int index, TeacherConfig t, TeacherModel scorer, String modelSha256, BertTokenizer tokenizer,
                               EncodedDataset train, Map<String, float[][]> fromLogitPass) {
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
        int batch = Math.max(64, config.data().batchSize());
        int cols = width.getAsInt();
        float[][] out = null;
        // on the run's teacher runtime, as its logits (the session opens only if a part is not cached); the cache keys
        // name the runtime as the logits' do, so kd4j's and ONNX Runtime's representations are kept apart
        try (TeacherInference inference = TeacherInference.of(t.name(), scorer, config.run().teacherRuntime(), data.task(),
                config.data().maxLength(), config.run().parallelism())) {
            // keyed with the model's digest, known once: each key's hash would otherwise read the model file again
            for (Part part : trainParts(scorer.file(), modelSha256, tokenizer, train, inference.runtime())) {
                float[][] rows = pooled.getOrCompute(part.key(), part.rows().size(), cols, () -> {
                    float[][] computed = fromLogitPass.remove(part.key().hash());
                    if (computed != null) {
                        LOG.info("teacher {}: pooled representations of {} rows from the pass that computed their logits",
                                t.name(), computed.length);
                        return computed;
                    }
                    return inference.features(part.rows(), batch, tokenizer.padId());
                });
                out = out == null ? rows : concat(out, rows);
            }
        }
        return out;
    }

    /** One data set a teacher is scored on: its cache key and rows. */
    private record Part(CacheKey key, EncodedDataset rows) { }

    /**
     * The rows a teacher's training logits (or pooled representations) cover, in order: the training rows, then the
     * transfer rows, then the unlabeled rows, each with its cache key.
     *
     * @param modelSha256 the model file's SHA-256 when known from its receipt; empty: the key reads the file
     * @param runtime what made the logits or pooled representations ({@link TeacherRuntime#cacheVariant})
     */
    private List<Part> trainParts(Path modelFile, String modelSha256, BertTokenizer tokenizer, EncodedDataset train,
                                  TeacherRuntime runtime) {
        DataConfig d = config.data();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(),
                runtime.cacheVariant(data.trainVariant()), modelSha256), train));
        if (data.hasTransfer()) {
            parts.add(new Part(new CacheKey(modelFile, data.transferFile(), tokenizer.fingerprint(), d.maxLength(),
                    runtime.cacheVariant("transfer"), modelSha256), data.transfer(tokenizer)));
        }
        if (data.hasUnlabeled()) {
            parts.add(new Part(new CacheKey(modelFile, data.trainFile(), tokenizer.fingerprint(), d.maxLength(),
                    runtime.cacheVariant(data.unlabeledVariant()), modelSha256), data.unlabeled(tokenizer)));
        }
        return parts;
    }

    /** The dev set's part. */
    private Part devPart(Path modelFile, String modelSha256, BertTokenizer tokenizer, EncodedDataset dev, TeacherRuntime runtime) {
        return new Part(new CacheKey(modelFile, data.devFile(), tokenizer.fingerprint(), config.data().maxLength(),
                runtime.cacheVariant("dev"), modelSha256), dev);
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /**
     * A teacher ready to score, with its training time and whether it came from the cache (or from elsewhere), and its
     * model file's SHA-256 when it came from its receipt (the file is then absent; empty otherwise).
     */
    private record Prepared(TeacherModel model, double trainSeconds, boolean cached, String modelSha256) { }

    /** A teacher trained (or fine-tuned) here, or its model file from an earlier run ({@link TeacherKey}). */
    private Prepared trainedOrCached(TeacherConfig t, String key, EncoderSource.Files encoder, BertTokenizer tokenizer,
                                     EncodedDataset train, EncodedDataset dev, boolean receiptOk) {
        DataConfig d = config.data();
        TeacherKey teacherKey = new TeacherKey(t.name(), ConfigLoader.toYaml(t), encoder == null ? "" : encoder.sha256(),
                data.task().displayName(), data.trainFile(), trainingVariant(), tokenizer.fingerprint(), d.maxLength(),
                d.batchSize(), d.bucketing());
        TeacherKey.Files files = teacherKey.files(cacheDir.resolve("teachers"), teacherKey.hash());
        Path modelFile = files.model();
        if (Files.isRegularFile(modelFile)) {
            Prepared cached = fromCache(t, modelFile);
            keepReceipt(modelFile);
            return cached;
        }
        if (receiptOk) {
            Optional<Prepared> fromReceipt = fromReceipt(t, modelFile, tokenizer, train, dev);
            if (fromReceipt.isPresent()) {
                return fromReceipt.get();
            }
        }
        TextClassifier model = initialModel(t, key, encoder, tokenizer);
        LOG.info("teacher {}: {} {} ({} parameters) on {} examples", t.name(), encoder != null ? "fine-tuning" : "training",
                encoder != null ? encoder.description() : t.model().type(), Runs.parameterCount(model), train.size());
        double seconds = Trainer.builder("teacher " + t.name(), model, train, dev).training(t.train()).data(d)
                .padId(tokenizer.padId()).workDir(files.work()).parallelism(config.run().parallelism()).progress(progress)
                .build().fit(true).seconds();
        model.save(modelFile);
        TeacherProvenance.write(modelFile, TeacherProvenance.of(t.name(), java.time.Instant.now().toString(),
                encoder == null ? "" : encoder.description(), encoder == null ? "" : encoder.sha256(), data.task().displayName(),
                data.trainFile().toString(), data.trainVariant(), train.size(), tokenizer.fingerprint(), seconds,
                Runs.parameterCount(model)).withModelSha256(Hashing.fileHex("teacher model", modelFile)));
        deleteQuietly(files.work());
        keepReceipt(modelFile);
        return new Prepared(NativeTeacherModel.of(model, modelFile), seconds, false, "");
    }

    /**
     * A teacher whose model file is not here, from its receipt ({@link #receipt}): when the run needs nothing of it but
     * its logits and every one of them is cached (or in the ledger). Empty, with the reason logged, when it must be
     * fine-tuned again.
     */
    private Optional<Prepared> fromReceipt(TeacherConfig t, Path modelFile, BertTokenizer tokenizer, EncodedDataset train,
                                           EncodedDataset dev) {
        Receipts receipts = usableReceipts(t, modelFile, tokenizer, train, dev, true);
        if (receipts.current() == null) {
            return Optional.empty();
        }
        if (receipts.usable().isEmpty()) {
            LOG.info("teacher {}: {} is not here, and its receipt is not enough: {}; it is trained again", t.name(), modelFile,
                    receipts.why());
            return Optional.empty();
        }
        return Optional.of(fromReceipt(t, modelFile, receipts.usable().get(0), receipts.current()));
    }

    /** A teacher from one of its receipts, {@code current} being the ledger's current one (for the log). */
    private Prepared fromReceipt(TeacherConfig t, Path modelFile, TeacherProvenance r, TeacherProvenance current) {
        LOG.info("teacher {}: from its receipt {} (its model file is not here; every logit this run needs is cached)", t.name(),
                TeacherProvenance.fileOf(modelFile));
        if (!r.modelSha256().equals(current.modelSha256())) {
            LOG.info("teacher {}: the receipt of an earlier fine-tuning of it, model SHA-256 {}, holds the logits", t.name(),
                    r.modelSha256());
        }
        NativeTeacherModel model = NativeTeacherModel.lazy(modelFile, () -> {
            throw new KdException("teacher " + t.name() + ": " + modelFile + " is not here (only its receipt "
                    + TeacherProvenance.fileOf(modelFile) + " is); expected every logit the run needs in the cache");
        }, r.parameters());
        return new Prepared(model, r.trainSeconds(), true, r.modelSha256());
    }

    /**
     * A teacher's receipts that hold every logit the run needs: its current one first, then the ledger's earlier ones.
     *
     * @param current its current receipt; null when it has none
     * @param why why none will do (the current receipt's reason), when {@code usable} is empty
     */
    private record Receipts(List<TeacherProvenance> usable, TeacherProvenance current, String why) { }

    /** @param firstOnly whether to stop at the first usable receipt (a teacher trained apart needs no other) */
    private Receipts usableReceipts(TeacherConfig t, Path modelFile, BertTokenizer tokenizer, EncodedDataset train,
                                    EncodedDataset dev, boolean firstOnly) {
        Optional<TeacherProvenance> receipt = receipt(modelFile);
        if (receipt.isEmpty()) {
            return new Receipts(List.of(), null, "it has no receipt");
        }
        TeacherProvenance current = receipt.get();
        if (config.run().measureTeachers()) {
            return new Receipts(List.of(), current, "run.measure_teachers is on (the dev pass is timed with the model)");
        }
        if (config.distill().hidden()) {
            return new Receipts(List.of(), current, "the hidden loss needs its pooled representations");
        }
        if (config.distill().layers().on() && t.name().equals(config.distill().layers().teacher())) {
            return new Receipts(List.of(), current, "the layer loss needs the model");
        }
        // the current receipt first, then the ledger's earlier ones (models fine-tuned on other machines)
        List<TeacherProvenance> candidates = new ArrayList<>(List.of(current));
        earlierReceipts(modelFile).stream().filter(e -> !e.modelSha256().equals(current.modelSha256())).forEach(candidates::add);
        List<TeacherProvenance> usable = new ArrayList<>();
        String why = null;
        for (TeacherProvenance candidate : candidates) {
            String missing = missingLogits(modelFile, candidate.modelSha256(), tokenizer, train, dev);
            if (missing == null) {
                usable.add(candidate);
                if (firstOnly) {
                    break;
                }
            } else if (why == null) {
                why = missing;
            }
        }
        return new Receipts(usable, current, why);
    }

    /**
     * The co-finetuned teachers from their receipts, every one from the same joint run ({@link #oneJointRun}): when none
     * of their model files is here and each has a receipt holding every logit the run needs. Empty, with the reason
     * logged, when the joint run must be trained again.
     */
    private Optional<Map<String, Prepared>> jointFromReceipts(Joint joint) {
        List<String> names = joint.sources().stream().map(s -> s.config().name()).toList();
        List<Receipts> each = new ArrayList<>();
        for (int k = 0; k < joint.sources().size(); k++) {
            Source s = joint.sources().get(k);
            Path modelFile = joint.files().get(k).model();
            if (Files.isRegularFile(modelFile)) {
                return Optional.empty();
            }
            Receipts r = usableReceipts(s.config(), modelFile, s.tokenizer(), data.train(s.tokenizer()), data.dev(s.tokenizer()),
                    false);
            if (r.current() == null) {
                return Optional.empty();
            }
            if (r.usable().isEmpty()) {
                LOG.info("teacher {}: {} is not here, and its receipts are not enough: {}; the co-finetuned teachers {} are"
                        + " trained again", s.config().name(), modelFile, r.why(), names);
                return Optional.empty();
            }
            each.add(r);
        }
        List<TeacherProvenance> chosen = oneJointRun(names, each.stream().map(Receipts::usable).toList(),
                each.stream().map(Receipts::current).toList());
        if (chosen == null) {
            LOG.info("co-finetuned teachers {}: each has receipts holding its logits, but no choice of them comes from one joint"
                    + " run (their partner_models disagree); they are trained again", names);
            return Optional.empty();
        }
        Map<String, Prepared> out = new java.util.LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            out.put(names.get(k), fromReceipt(joint.sources().get(k).config(), joint.files().get(k).model(), chosen.get(k),
                    each.get(k).current()));
        }
        return Optional.of(out);
    }

    /**
     * The first choice of one receipt per co-finetuned teacher, trying each teacher's receipts in order (its current one
     * first), that comes from one joint run: each chosen receipt's {@code partner_models} names exactly the models of
     * the receipts chosen for its partners. Receipts written before {@code partner_models} was recorded do not say
     * which run they came from, so a choice with any of them is taken only when every chosen receipt is its teacher's
     * current one (the ledger's receipts of the last joint run). Null when no choice comes from one joint run.
     *
     * @param names the teachers, in config order
     * @param usable each teacher's receipts holding its logits, in the order to try them
     * @param current each teacher's current receipt
     */
    static List<TeacherProvenance> oneJointRun(List<String> names, List<List<TeacherProvenance>> usable,
                                               List<TeacherProvenance> current) {
        int n = names.size();
        int[] at = new int[n];
        while (true) {
            List<TeacherProvenance> choice = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                choice.add(usable.get(k).get(at[k]));
            }
            if (fromOneJointRun(names, choice, current)) {
                return choice;
            }
            int k = n - 1;
            while (k >= 0 && ++at[k] == usable.get(k).size()) {
                at[k--] = 0;
            }
            if (k < 0) {
                return null;
            }
        }
    }

    private static boolean fromOneJointRun(List<String> names, List<TeacherProvenance> choice, List<TeacherProvenance> current) {
        boolean allCurrent = java.util.stream.IntStream.range(0, names.size())
                .allMatch(j -> choice.get(j).modelSha256().equals(current.get(j).modelSha256()));
        for (int k = 0; k < names.size(); k++) {
            Map<String, String> partners = choice.get(k).partnerModels();
            if (partners == null ? !allCurrent : !namesTheChosenPartners(names, choice, k, partners)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code partners} (receipt {@code k}'s partner_models) names every other chosen receipt's model and no other
     * teacher (a receipt of a joint run with more teachers is not one of this run's).
     */
    private static boolean namesTheChosenPartners(List<String> names, List<TeacherProvenance> choice, int k,
                                                  Map<String, String> partners) {
        if (partners.size() != names.size() - 1) {
            return false;
        }
        for (int j = 0; j < names.size(); j++) {
            if (j != k && !choice.get(j).modelSha256().equals(partners.get(names.get(j)))) {
                return false;
            }
        }
        return true;
    }

    /** Why the logits of the model {@code modelSha256} are not all cached; null when they are. */
    private String missingLogits(Path modelFile, String modelSha256, BertTokenizer tokenizer, EncodedDataset train,
                                 EncodedDataset dev) {
        int outputs = data.task().numOutputs();
        // a teacher with a receipt is a native one: scored on the run's runtime
        TeacherRuntime runtime = config.run().teacherRuntime();
        List<Part> parts = new ArrayList<>(trainParts(modelFile, modelSha256, tokenizer, train, runtime));
        parts.add(devPart(modelFile, modelSha256, tokenizer, dev, runtime));
        for (Part part : parts) {
            if (!logits.holds(part.key().hash(), part.rows().size(), outputs)) {
                return "its logits are not cached (" + part.key().describe() + ")";
            }
        }
        return null;
    }

    /**
     * The teacher ledger's earlier receipts of a model file: those of models its configuration gave before, on another
     * machine ({@code <ledger>/earlier/<first 12 hex digits of the model's SHA-256>/}, {@link #keepReceipt}), by folder
     * name; empty without a ledger.
     */
    private List<TeacherProvenance> earlierReceipts(Path modelFile) {
        Path earlier = ledger == null ? null : ledger.resolve(EARLIER);
        if (earlier == null || !Files.isDirectory(earlier)) {
            return List.of();
        }
        try (var folders = Files.list(earlier)) {
            return folders.sorted().map(f -> TeacherProvenance.read(f.resolve(modelFile.getFileName())))
                    .flatMap(Optional::stream).filter(TeacherProvenance::isReceipt).toList();
        } catch (IOException e) {
            throw new KdException("cannot list the teacher ledger's earlier receipts in " + earlier + ": " + e.getMessage(), e);
        }
    }

    /**
     * The receipt of a model file: beside it in the cache, else the teacher ledger's, then copied beside it; empty when
     * neither has one.
     */
    private Optional<TeacherProvenance> receipt(Path modelFile) {
        Optional<TeacherProvenance> here = TeacherProvenance.read(modelFile).filter(TeacherProvenance::isReceipt);
        if (here.isPresent() || ledger == null) {
            return here;
        }
        Path inLedger = ledger.resolve(modelFile.getFileName());
        Optional<TeacherProvenance> kept = TeacherProvenance.read(inLedger).filter(TeacherProvenance::isReceipt);
        kept.ifPresent(r -> copy(TeacherProvenance.fileOf(inLedger), TeacherProvenance.fileOf(modelFile)));
        return kept;
    }

    /**
     * Makes the cached teacher's provenance a receipt (adds its model file's SHA-256 when an older run wrote it without)
     * and, with a teacher ledger, keeps a copy there. A teacher without a provenance file has no receipt. When the
     * ledger's receipt names another model (the same configuration fine-tuned on another machine, which need not give
     * the same bytes), a warning says so and that receipt is kept under
     * {@code <ledger>/earlier/<first 12 hex digits of its model's SHA-256>/}, so the logits cached for that model stay
     * usable ({@link #fromReceipt}).
     */
    private void keepReceipt(Path modelFile) {
        if (ledger == null) {
            return;
        }
        Optional<TeacherProvenance> provenance = TeacherProvenance.read(modelFile);
        if (provenance.isEmpty()) {
            return;
        }
        TeacherProvenance receipt = provenance.get();
        if (!receipt.isReceipt()) {
            receipt = receipt.withModelSha256(Hashing.fileHex("teacher model", modelFile));
            TeacherProvenance.write(modelFile, receipt);
        }
        Path from = TeacherProvenance.fileOf(modelFile);
        Path to = TeacherProvenance.fileOf(ledger.resolve(modelFile.getFileName()));
        String sha = receipt.modelSha256();
        Optional<TeacherProvenance> displaced = TeacherProvenance.read(ledger.resolve(modelFile.getFileName()))
                .filter(TeacherProvenance::isReceipt).filter(r -> !r.modelSha256().equals(sha));
        if (displaced.isPresent()) {
            String old = displaced.get().modelSha256();
            Path kept = TeacherProvenance.fileOf(ledger.resolve(EARLIER).resolve(old.substring(0, 12))
                    .resolve(modelFile.getFileName()));
            if (!Files.isRegularFile(kept)) {
                copy(to, kept);
            }
            LOG.warn("teacher ledger: {} differs from the model its receipt {} records (SHA-256 {}, was {}): the same"
                    + " configuration fine-tuned on another machine need not give the same bytes. The earlier receipt is"
                    + " kept as {}, so the logits cached for that model stay usable", modelFile.getFileName(), to, sha, old,
                    kept);
        }
        try {
            if (!Files.isRegularFile(to) || Files.mismatch(from, to) != -1) {
                copy(from, to);
                LOG.info("teacher ledger: kept the receipt {}", to);
            }
        } catch (IOException e) {
            throw new KdException("cannot compare " + from + " with the teacher ledger's " + to + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            org.kd4j.util.AtomicFiles.write(to, out -> Files.copy(from, out));
        } catch (IOException e) {
            throw new KdException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** A teacher's model file from an earlier run, loaded now or (with measure_teachers off) when first used. */
    private Prepared fromCache(TeacherConfig t, Path modelFile) {
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
        return new Prepared(model, seconds, true, "");
    }

    /**
     * The teacher {@code distill.layers} names as the pool trained or loaded it (after {@link #teachers()}), for the
     * intermediate-layer loss; empty when that section is off or the teacher is not on kd4j's graph. Loaded once: the
     * layer loss uses this model rather than reading its file again.
     */
    public Optional<TextClassifier> layerTeacher() {
        return Optional.ofNullable(layerTeacher);
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

    /**
     * Any teacher's logits on the train (plus transfer and unlabeled rows) and dev sets, through the logit cache, and its
     * dev metrics.
     *
     * @param pooledByKey null, or where a training part whose logits are computed here (not cached) leaves the pooled
     *     representations computed in the same pass, by the part's cache key hash, for {@link #features}
     */
    private Teacher scored(TeacherConfig t, Prepared prepared, BertTokenizer tokenizer, EncodedDataset train, EncodedDataset dev,
                           Map<String, float[][]> pooledByKey) {
        DataConfig d = config.data();
        TeacherModel scorer = prepared.model();
        Path modelFile = scorer.file();
        String sha = prepared.modelSha256();
        long parameters = scorer.parameters();
        int batch = Math.max(64, d.batchSize());
        int outputs = data.task().numOutputs();
        float[][] trainLogits = null;
        float[][] devLogits;
        double evalSeconds = 0;
        try (TeacherInference inference = TeacherInference.of(t.name(), scorer, config.run().teacherRuntime(), data.task(),
                d.maxLength(), config.run().parallelism())) {
            TeacherRuntime runtime = inference.runtime();
            for (Part part : trainParts(modelFile, sha, tokenizer, train, runtime)) {
                float[][] rows = logits.getOrCompute(part.key(), part.rows().size(), outputs, () -> {
                    if (pooledByKey == null || scorer.featureWidth().isEmpty()) {
                        return inference.logits(part.rows(), batch, tokenizer.padId());
                    }
                    TextClassifier.Scores both = inference.logitsAndFeatures(part.rows(), batch, tokenizer.padId());
                    pooledByKey.put(part.key().hash(), both.features());
                    return both.logits();
                });
                trainLogits = trainLogits == null ? rows : concat(trainLogits, rows);
            }
            // with measure_teachers (the default) the dev pass is always run and timed: the table reports every model's
            // inference speed measured in this run; without, cached dev logits are used as they are (no speed reported)
            Supplier<float[][]> devPass = () -> inference.logits(dev, batch, tokenizer.padId());
            if (config.run().measureTeachers()) {
                inference.prepare(dev, batch, tokenizer.padId()); // an ONNX Runtime session is opened and checked untimed
                long start = System.nanoTime();
                float[][] fresh = devPass.get();
                evalSeconds = (System.nanoTime() - start) / 1e9;
                devPass = () -> fresh;
            }
            Part devPart = devPart(modelFile, sha, tokenizer, dev, runtime);
            devLogits = logits.getOrCompute(devPart.key(), dev.size(), outputs, devPass);
        }
        Evaluation evaluation = Evaluation.of(data.task(), devLogits, dev.labels(), dev.scores());
        LOG.info("teacher {}: dev {}", t.name(), evaluation);
        return new Teacher(t, modelFile, tokenizer, trainLogits, devLogits, evaluation, parameters, prepared.trainSeconds(),
                prepared.cached(), evalSeconds, null, sha);
    }

    private static void deleteQuietly(Path dir) {
        try {
            org.kd4j.util.FileTrees.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
