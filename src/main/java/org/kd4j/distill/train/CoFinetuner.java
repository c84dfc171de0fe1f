package org.kd4j.distill.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.DataConfig;
import org.kd4j.config.DistillConfig;
import org.kd4j.config.TrainConfig;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.batch.PaddingMode;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.embed.EmbeddingTable;
import org.kd4j.util.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MT-BERT's co-finetuning of teachers (Wu, Wu and Huang 2021, "One Teacher is Enough? Pre-trained Language Model
 * Distillation from Multiple Teachers", section 3.1): the teachers' encoders are fine-tuned together under one shared
 * head, so that their outputs live in one space.
 *
 * <p><b>What is shared.</b> The head of kd4j's transformer: the parameters named {@code pooler_*} (the dense + tanh
 * pooler over the [CLS] state, present with {@code pooling: cls}; mean and first-token pooling have no parameters, so
 * their shared "pooling" is the parameter-free operation itself) and {@code classifier_*} (the prediction layer). Every
 * teacher keeps its own embeddings and encoder layers (and its own tokenizer). The shared head starts as the first
 * teacher's freshly initialised head, copied into every other teacher.
 *
 * <p><b>The loss and its gradients.</b> On a batch of rows (the same rows for every teacher, each tokenized by its own
 * tokenizer and padded to its own longest row)
 * <pre>
 * L = sum_k CE(y, softmax(head(encoder_k(x_k))))          (MSE for regression tasks)
 * dL/d encoder_k = dCE_k/d encoder_k                      (only teacher k's own term reaches its encoder)
 * dL/d head      = sum_k dCE_k/d head                     (the shared layers' gradient is the sum over teachers)
 * </pre>
 * Memory: the teachers' gradients are computed one teacher at a time, each on its own graph (its encoder and its copy
 * of the head) through its own {@link GradientEngine}, not in one graph holding every encoder's activations; as each
 * engine keeps its last step's arrays for reuse, each gets 1/K of the step-array budget a lone teacher has (its batches
 * cut into smaller micro-batches when needed), so that K teachers together keep about what one does; the head's
 * gradients are added up, then one step updates everything: global-norm clipping over all the teachers' gradients and
 * the summed head gradient together, the optimizer on each encoder and once on the shared head, whose new values are then
 * copied into every teacher's graph.
 *
 * <p><b>Schedule.</b> One joint run with the teachers' common {@link TrainConfig} (the config requires their train
 * sections to be equal): its epochs, learning-rate warm-up and decay, weight decay, clipping and seed (the batch order,
 * bucketed by each row's longest tokenization over the teachers). After each epoch every teacher is evaluated on the dev
 * set; the epoch with the best mean main metric over the teachers is kept (every teacher from that same epoch, since
 * they share a head). There is no early stopping.
 *
 * <p><b>Resuming.</b> After every epoch, and with {@code train.checkpoint_every_steps} N &gt; 0 also after every N-th
 * joint step within an epoch (as a teacher fine-tuned apart), a {@link CoFinetuningCheckpoint} is written atomically into
 * the work folder: every member's parameters and optimizer state, the shared head's optimizer state, the
 * {@link TrainingState} (epoch, batches of it done, step, best epoch and score, dev scores) and the sum of the epoch's
 * joint losses so far; the best epoch's models ({@code best-<k>.kdm}) are written before the checkpoint that names that
 * epoch. The batch order needs no saved random state: it is a function of the seed and the epoch
 * ({@link BatchPlanner#trainingOrder}), and training draws nothing else at random. {@link #fit} continues from the
 * checkpoint it finds there, automatically (as a teacher fine-tuned apart does), at the batch after the last one it
 * holds, and ends with exactly the weights of an uninterrupted run; with N = 0 (the default) that is an epoch's start, so
 * an interrupted epoch is run again. A checkpoint records the
 * set's {@link #fingerprint()} and members' names: one of another set (other teachers, configs, training or batching
 * settings) is refused with a one-line {@link KdException} naming its {@code state.json} (never overwritten nor
 * silently discarded: deleting the folder starts over). The caller deletes the work folder once the teachers are saved.
 */
public final class CoFinetuner {

    private static final Logger LOG = LogManager.getLogger(CoFinetuner.class);

    /** Parameter name prefixes of the shared head. */
    private static final List<String> SHARED_PREFIXES = List.of("pooler_", "classifier_");

    /**
     * One teacher taking part.
     *
     * @param train its encoding of the training rows (the same rows, in the same order, as every other member's)
     * @param dev its encoding of the dev rows
     * @param padId its tokenizer's padding id
     */
    public record Member(String name, TextClassifier model, EncodedDataset train, EncodedDataset dev, int padId) {
        public Member {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(dev, "dev");
        }
    }

    /**
     * A finished co-finetuning.
     *
     * @param models the members' models with the kept epoch's weights, in member order (each a standalone classifier
     *     carrying its own copy of the shared head)
     * @param dev each member's dev evaluation at the kept epoch
     * @param bestEpoch the kept epoch (0-based)
     * @param seconds wall time of the whole joint run
     * @param phases where that time went: on the training thread the members' forward and backward passes in turn
     *     ({@link TrainingPhases.Phase#GRADIENTS}, batches and embedding rows included), the joint clipping and updates
     *     ({@link TrainingPhases.Phase#OPTIMIZER}), checkpoints and best weights ({@link TrainingPhases.Phase#LISTENERS})
     *     and the dev evaluations ({@link TrainingPhases.Phase#EVALUATION}); the workers' phases summed over every
     *     member's engine
     */
    public record Result(List<TextClassifier> models, List<Evaluation> dev, int bestEpoch, double seconds,
                         TrainingPhases phases) { }

    private final List<Member> members;
    private final TrainConfig training;
    private final DataConfig data;
    private final Parallelism parallelism;
    private final Path workDir;
    private final List<String> shared;
    /** Each member's parameters without the shared head (the same arrays its graph computes with). */
    private final List<Map<String, INDArray>> own = new ArrayList<>();
    /** Each member's copy of the shared head's parameters. */
    private final List<Map<String, INDArray>> heads = new ArrayList<>();

    /**
     * @param workDir where the epoch checkpoints and the best epoch's models are kept while training, and where an
     *     interrupted run's checkpoint is looked for (deleted by the caller once the teachers are saved)
     * @throws KdException when fewer than two members are given, their training rows differ in number, or their shared
     *     layers differ in names or shapes (the message names both teachers, the layer, the shapes and hidden sizes)
     */
    public CoFinetuner(List<Member> members, TrainConfig training, DataConfig data, Parallelism parallelism, Path workDir) {
        this.members = List.copyOf(members);
        this.training = Objects.requireNonNull(training, "training");
        this.data = Objects.requireNonNull(data, "data");
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.shared = checkShareable(this.members);
        for (Member m : this.members) {
            Map<String, INDArray> all = m.model().parameters();
            Map<String, INDArray> head = new LinkedHashMap<>();
            for (String name : shared) {
                head.put(name, all.remove(name));
            }
            own.add(all);
            heads.add(head);
        }
        // one head to start from: the first member's fresh one (on a regression task, centred on the training scores)
        Trainer.centreRegressionHead("co-finetuning", this.members.get(0).model(), this.members.get(0).train());
        for (int k = 1; k < heads.size(); k++) {
            for (String name : shared) {
                heads.get(k).get(name).assign(heads.get(0).get(name));
            }
        }
    }

    /** The names of the shared head's parameters in {@code model} ({@code pooler_*}, {@code classifier_*}), sorted. */
    public static List<String> sharedParameters(TextClassifier model) {
        return model.parameters().keySet().stream().filter(n -> SHARED_PREFIXES.stream().anyMatch(n::startsWith)).sorted().toList();
    }

    /**
     * Checks that the members can share one head: at least two, the same number of training rows, the same shared
     * parameters with the same shapes.
     *
     * @return the shared parameters' names
     * @throws KdException naming the teachers, the layer, the shapes and the hidden sizes when they cannot
     */
    public static List<String> checkShareable(List<Member> members) {
        if (members.size() < 2) {
            throw new KdException("co-finetuning needs at least two teachers, found " + members.size()
                    + members.stream().map(Member::name).toList());
        }
        Member first = members.get(0);
        List<String> names = sharedParameters(first.model());
        if (names.stream().noneMatch(n -> n.startsWith("classifier_"))) {
            throw new KdException("co-finetuning: teacher " + first.name() + " has no classifier layer to share (its parameters: "
                    + first.model().parameters().keySet() + "); expected a model on kd4j's transformer");
        }
        Map<String, INDArray> firstParams = first.model().parameters();
        for (Member m : members.subList(1, members.size())) {
            if (m.train().size() != first.train().size()) {
                throw new KdException("co-finetuning: teacher " + m.name() + " has " + m.train().size() + " training rows and "
                        + first.name() + " has " + first.train().size() + "; expected the same rows for every teacher");
            }
            Map<String, INDArray> params = m.model().parameters();
            List<String> theirs = sharedParameters(m.model());
            String sizes = " (hidden size " + first.model().config().hidden() + " in " + first.name() + ", "
                    + m.model().config().hidden() + " in " + m.name() + "); co-finetuned teachers share one pooling and"
                    + " prediction layer, so they need the same hidden size and pooling";
            org.kd4j.model.Pooling ours = first.model().config().flat().pooling();
            org.kd4j.model.Pooling other = m.model().config().flat().pooling();
            if (ours != other) {
                throw new KdException("co-finetuning: teachers " + first.name() + " and " + m.name() + " pool differently ("
                        + ours.name().toLowerCase(java.util.Locale.ROOT) + " in " + first.name() + ", "
                        + other.name().toLowerCase(java.util.Locale.ROOT) + " in " + m.name() + "); co-finetuned teachers share one"
                        + " pooling layer: give them the same pooling");
            }
            if (!theirs.equals(names)) {
                throw new KdException("co-finetuning: teachers " + first.name() + " and " + m.name() + " have different shared"
                        + " layers: " + names + " against " + theirs + sizes);
            }
            for (String name : names) {
                long[] a = firstParams.get(name).shape();
                long[] b = params.get(name).shape();
                if (!Arrays.equals(a, b)) {
                    throw new KdException("co-finetuning: teachers " + first.name() + " and " + m.name() + " cannot share " + name
                            + ": it is " + Arrays.toString(a) + " in " + first.name() + " and " + Arrays.toString(b) + " in "
                            + m.name() + sizes);
                }
            }
        }
        return names;
    }

    /**
     * Called after each checkpoint is written, an epoch's and (with {@code checkpoint_every_steps}) one within an epoch:
     * lets a caller watch the run (a test interrupts it here by throwing).
     */
    @FunctionalInterface
    public interface CheckpointListener {
        /** Listens to nothing. */
        CheckpointListener NONE = (epoch, state) -> { };

        /**
         * @param epoch the epoch (0-based) the checkpoint ends, or, within an epoch ({@code state.batchInEpoch() > 0}),
         *     the epoch it stands in
         * @param state the state the checkpoint holds
         */
        void onCheckpoint(int epoch, TrainingState state);
    }

    /** {@link #fit(CheckpointListener)} with no listener. */
    public Result fit() {
        return fit(CheckpointListener.NONE);
    }

    /**
     * Runs the joint fine-tuning, or continues it from the checkpoint in the work folder when there is one (see the
     * class comment); the members' models end with the kept epoch's weights (see {@link Result}).
     *
     * @throws KdException when the work folder holds a checkpoint of another set (the message names its file)
     */
    public Result fit(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        TrainConfig c = training;
        BatchPlanner planner = new BatchPlanner(data.batchSize(), data.bucketing(), data.bucketBatches(), c.seed());
        int[] lengths = lengths();
        int stepsPerEpoch = planner.trainingOrder(lengths, 0).size();
        long totalSteps = (long) stepsPerEpoch * c.epochs();
        LearningRateSchedule lr = new LearningRateSchedule(c.learningRate(), Math.round(c.warmupFraction() * totalSteps), totalSteps);
        List<Optimizer> optimizers = new ArrayList<>();
        members.forEach(m -> optimizers.add(Optimizer.create(c)));
        Optimizer headOptimizer = Optimizer.create(c);
        Optimizer.weightDecayNote(c.optimizer(), c.weightDecay()).ifPresent(note -> LOG.warn("co-finetuning: {}", note));
        List<String> memberNames = members.stream().map(Member::name).toList();
        String names = String.join(" + ", memberNames);
        String fingerprint = fingerprint();
        TrainingState state = TrainingState.start();
        double resumedLoss = 0; // the joint losses summed over the batches of the resumed epoch done before the checkpoint
        CoFinetuningCheckpoint.Loaded loaded = CoFinetuningCheckpoint.load(workDir, fingerprint, memberNames);
        if (loaded != null) {
            for (int k = 0; k < members.size(); k++) {
                Checkpoint.Loaded saved = loaded.members().get(k);
                saved.restoreInto(members.get(k).model());
                optimizers.get(k).restoreFrom(saved.optimizerState(), loaded.folder().resolve("member-" + k));
            }
            headOptimizer.restoreFrom(loaded.head().optimizerState(), loaded.folder().resolve("head"));
            for (Map<String, INDArray> head : heads) {
                head.forEach((name, array) -> array.assign(loaded.head().parameters().get(name)));
            }
            state = loaded.meta().state();
            resumedLoss = loaded.meta().epochLoss();
            if (state.batchInEpoch() > 0) {
                LOG.info("co-finetuning {}: resuming in epoch {}/{} after batch {} of {} (step {}, best epoch so far {}) from {}",
                        names, state.epoch() + 1, c.epochs(), state.batchInEpoch(), stepsPerEpoch, state.step(),
                        state.bestEpoch() < 0 ? "none" : String.valueOf(state.bestEpoch() + 1), loaded.folder());
            } else {
                LOG.info("co-finetuning {}: resuming from the checkpoint of epoch {}/{} (step {}, best epoch so far {}) in {}",
                        names, state.epoch(), c.epochs(), state.step(), state.bestEpoch() + 1, loaded.folder());
            }
        }
        LOG.info("co-finetuning {} with a shared head {}: {} epoch(s) of {} steps", names, shared, c.epochs(), stepsPerEpoch);

        long started = System.nanoTime();
        TrainingPhases phases = new TrainingPhases();
        List<Evaluation> bestDev = null;
        List<GradientEngine> engines = engines();
        try {
            for (int epoch = state.epoch(); epoch < c.epochs(); epoch++) {
                // 0 but in an epoch resumed within: then its batches done before the checkpoint are skipped
                int first = state.batchInEpoch();
                double epochLoss = first > 0 ? resumedLoss : 0;
                List<int[]> batches = planner.trainingOrder(lengths, epoch);
                for (int b = first; b < batches.size(); b++) {
                    long t = System.nanoTime();
                    JointGradients g = gradients(engines, batches.get(b));
                    t = phases.since(TrainingPhases.Phase.GRADIENTS, t);
                    if (!Double.isFinite(g.loss())) {
                        g.close();
                        throw new KdException("co-finetuning " + names + ": joint loss is " + g.loss() + " at step " + (state.step() + 1)
                                + " (teachers' losses " + Arrays.toString(g.losses()) + "); stopped without updating. Try a"
                                + " lower learning rate or gradient clipping.");
                    }
                    update(g, optimizers, headOptimizer, lr.at(state.step()), engines);
                    t = phases.since(TrainingPhases.Phase.OPTIMIZER, t);
                    epochLoss += g.loss();
                    state = state.afterStep(epoch, b + 1);
                    if (c.checkpointEverySteps() > 0 && state.step() % c.checkpointEverySteps() == 0 && b + 1 < batches.size()) {
                        // within the epoch (its last batch is followed by the epoch's own checkpoint)
                        saveCheckpoint(new CoFinetuningCheckpoint.Meta(fingerprint, memberNames, state, epochLoss), optimizers,
                                headOptimizer);
                        listener.onCheckpoint(epoch, state);
                        phases.since(TrainingPhases.Phase.LISTENERS, t);
                    }
                }
                long t = System.nanoTime();
                List<Evaluation> dev = evaluate();
                t = phases.since(TrainingPhases.Phase.EVALUATION, t);
                double score = dev.stream().mapToDouble(Evaluation::main).average().orElse(Double.NaN);
                state = state.afterEpoch(epoch, score);
                boolean improved = state.bestEpoch() == epoch;
                LOG.info("co-finetuning {}: epoch {}/{} mean joint loss {} dev {} (mean {}){}", names, epoch + 1, c.epochs(),
                        String.format(java.util.Locale.ROOT, "%.4f", epochLoss / Math.max(1, batches.size())), dev,
                        String.format(java.util.Locale.ROOT, "%.4f", score), improved ? " (best)" : "");
                if (improved) {
                    bestDev = dev;
                    if (epoch < c.epochs() - 1) {
                        // before the checkpoint that names this epoch the best, so that a resumed run finds them
                        createWorkDir();
                        for (int k = 0; k < members.size(); k++) {
                            members.get(k).model().save(bestFile(k));
                        }
                    }
                }
                saveCheckpoint(new CoFinetuningCheckpoint.Meta(fingerprint, memberNames, state, 0), optimizers, headOptimizer);
                listener.onCheckpoint(epoch, state);
                phases.since(TrainingPhases.Phase.LISTENERS, t);
            }
        } finally {
            engines.forEach(e -> phases.addWorkerPhases(e.phases()));
            engines.forEach(GradientEngine::close);
        }
        int bestEpoch = state.bestEpoch();
        List<TextClassifier> models = new ArrayList<>();
        for (int k = 0; k < members.size(); k++) {
            models.add(bestEpoch == c.epochs() - 1 ? members.get(k).model() : TextClassifier.load(bestFile(k)));
        }
        if (bestDev == null) {
            long t = System.nanoTime();
            bestDev = evaluate(models); // the best epoch was evaluated before a resume
            phases.since(TrainingPhases.Phase.EVALUATION, t);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("co-finetuning {}: time by phase, {}", names, phases.summary(seconds));
        return new Result(List.copyOf(models), List.copyOf(bestDev), bestEpoch, seconds, phases);
    }

    /**
     * SHA-256 of what decides the joint run, beside the members' names: each member's model config, parameter names
     * and shapes, rows and padding id (and its training rows' lengths), the training config and the data settings that
     * shape the batches. A checkpoint of another fingerprint is refused.
     */
    String fingerprint() {
        List<String> fields = new ArrayList<>();
        for (Member m : members) {
            fields.add(m.name());
            fields.add(String.valueOf(m.model().config()));
            StringBuilder shapes = new StringBuilder();
            new java.util.TreeMap<>(m.model().parameters()).forEach((name, array) ->
                    shapes.append(name).append(Arrays.toString(array.shape())).append(';'));
            fields.add(shapes.toString());
            fields.add(m.train().size() + "/" + m.dev().size() + "/" + m.padId() + "/" + Arrays.hashCode(m.train().lengths()));
        }
        // as before train.optimizer existed when it is AdamW, so that a co-finetuning interrupted then still resumes
        String train = String.valueOf(training);
        fields.add(training.optimizer() == org.kd4j.config.OptimizerKind.ADAMW ? train.replace(", optimizer=ADAMW]", "]") : train);
        fields.add(data.maxLength() + "/" + data.batchSize() + "/" + data.padding() + "/" + data.bucketing() + "/"
                + data.bucketBatches());
        return org.kd4j.util.Hashing.fieldsHex(fields.toArray(String[]::new));
    }

    /** Writes the checkpoint of {@code meta}'s state: every member's weights and optimizer, the shared head's. */
    private void saveCheckpoint(CoFinetuningCheckpoint.Meta meta, List<Optimizer> optimizers, Optimizer headOptimizer) {
        createWorkDir();
        CoFinetuningCheckpoint.save(workDir, meta, members.stream().map(m -> m.model().parameters()).toList(), optimizers,
                heads.get(0), headOptimizer);
    }

    private void createWorkDir() {
        try {
            java.nio.file.Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new KdException("co-finetuning: cannot create " + workDir + ": " + e.getMessage(), e);
        }
    }

    private Path bestFile(int member) {
        return workDir.resolve("best-" + member + ".kdm");
    }

    /** Each row's longest tokenization over the members: the batch plan's bucketing lengths. */
    private int[] lengths() {
        int[] lengths = members.get(0).train().lengths().clone();
        for (Member m : members.subList(1, members.size())) {
            int[] theirs = m.train().lengths();
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = Math.max(lengths[i], theirs[i]);
            }
        }
        return lengths;
    }

    /** One gradient engine per member: cross-entropy (or MSE) on the gold labels, no teacher terms. */
    List<GradientEngine> engines() {
        List<GradientEngine> engines = new ArrayList<>();
        for (Member m : members) {
            LossTargets targets = new LossTargets("co-finetuning " + m.name(), null, DistillConfig.defaults(),
                    m.train().task().isRegression(), m.model().outputs(), m.train().size());
            // every engine keeps its last step's arrays in its pool while the others run: each gets its share of the
            // budget a lone engine has (smaller micro-batches), so that the teachers together stay within it
            engines.add(new GradientEngine("co-finetuning " + m.name(), m.model(), targets, m.train(), m.padId(), parallelism, true,
                    1.0 / members.size(), org.kd4j.model.InputDropout.NONE));
        }
        return engines;
    }

    /**
     * One joint step's loss and gradients.
     *
     * @param losses each member's loss on the batch
     * @param head the shared head's gradient: the sum of the members' (owned arrays)
     * @param own each member's gradients of its own graph weights
     * @param rows each member's embedding-row gradients
     * @param raw what each member's engine returned (to free when owned)
     */
    record JointGradients(double loss, double[] losses, Map<String, INDArray> head, List<Map<String, INDArray>> own,
                          List<Map<String, EmbeddingTable.RowGradient>> rows, List<GradientEngine.BatchGradients> raw) {

        /** Frees the arrays this step owns. */
        void close() {
            head.values().forEach(INDArray::close);
            rows.forEach(r -> r.values().forEach(g -> g.values().close()));
            for (GradientEngine.BatchGradients g : raw) {
                if (g.owned()) {
                    g.weights().values().forEach(INDArray::close);
                    g.embeddings().close();
                }
            }
        }
    }

    /** Each member's loss and gradients on {@code rows}, in turn, with the shared head's gradients added up. */
    JointGradients gradients(List<GradientEngine> engines, int[] rows) {
        int padTo = data.padding() == PaddingMode.FIXED ? data.maxLength() : 0;
        double[] losses = new double[members.size()];
        Map<String, INDArray> head = new LinkedHashMap<>();
        List<Map<String, INDArray>> ownGrads = new ArrayList<>();
        List<Map<String, EmbeddingTable.RowGradient>> rowGrads = new ArrayList<>();
        List<GradientEngine.BatchGradients> raw = new ArrayList<>();
        for (int k = 0; k < members.size(); k++) {
            Member m = members.get(k);
            Batch batch = Batch.of(m.train(), rows, padTo, m.padId());
            GradientEngine.BatchGradients g = engines.get(k).gradients(batch, 1.0);
            raw.add(g);
            losses[k] = g.loss();
            Map<String, INDArray> grads = new LinkedHashMap<>(g.weights());
            for (String name : shared) {
                INDArray param = heads.get(k).get(name);
                INDArray grad = grads.remove(name).reshape(param.shape());
                INDArray sum = head.get(name);
                if (sum == null) {
                    head.put(name, grad.dup());
                } else {
                    sum.addi(grad);
                }
            }
            ownGrads.add(grads);
            // the engine's arrays stay valid until its next batch: each member has its own engine
            rowGrads.add(m.model().embeddings().backward(batch, g.embeddings()));
        }
        return new JointGradients(Arrays.stream(losses).sum(), losses, head, ownGrads, rowGrads, raw);
    }

    /** Clips all gradients together, updates each encoder and the shared head once, and copies the head to every member. */
    private void update(JointGradients g, List<Optimizer> optimizers, Optimizer headOptimizer, double learningRate,
                        List<GradientEngine> engines) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        Map<String, EmbeddingTable.RowGradient> allRows = new LinkedHashMap<>();
        for (int k = 0; k < members.size(); k++) {
            int member = k;
            g.own().get(k).forEach((name, grad) -> all.put(member + "/" + name, grad));
            g.rows().get(k).forEach((name, grad) -> allRows.put(member + "/" + name, grad));
        }
        g.head().forEach((name, grad) -> all.put("shared/" + name, grad));
        GradientClipping.clip(all, allRows, training.clipNorm());
        for (int k = 0; k < members.size(); k++) {
            optimizers.get(k).update(own.get(k), g.own().get(k), g.rows().get(k), learningRate);
            engines.get(k).afterUpdate();
        }
        headOptimizer.update(heads.get(0), g.head(), Map.of(), learningRate);
        for (int k = 1; k < members.size(); k++) {
            for (String name : shared) {
                heads.get(k).get(name).assign(heads.get(0).get(name));
            }
        }
        g.close();
    }

    /** Each member's dev evaluation with its current weights. */
    private List<Evaluation> evaluate() {
        return evaluate(members.stream().map(Member::model).toList());
    }

    /** Each member's dev evaluation with {@code models} (in member order). */
    private List<Evaluation> evaluate(List<TextClassifier> models) {
        List<Evaluation> out = new ArrayList<>();
        for (int k = 0; k < members.size(); k++) {
            Member m = members.get(k);
            float[][] logits = models.get(k).logits(m.dev(), Math.max(32, data.batchSize()), m.padId(), parallelism);
            out.add(Evaluation.of(m.dev().task(), logits, m.dev().labels(), m.dev().scores()));
        }
        return out;
    }
}
