package org.kd4j.distill.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.kd4j.distill.loss.DistillationLoss;
import org.kd4j.distill.loss.EnsembleTargets;
import org.kd4j.config.SoftLoss;
import org.kd4j.distill.loss.TemperatureSchedule;
import org.kd4j.eval.Evaluation;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.embed.EmbeddingTable;
import org.kd4j.model.memory.StepArrayPool;
import org.kd4j.util.QuietStdout;
import org.kd4j.util.Threads;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model: a teacher (no teacher logits: cross-entropy on gold labels only) or a student (the cached
 * logits of its teachers, combined per batch by {@link EnsembleTargets}, in the {@link DistillationLoss}).
 *
 * <p>Each step: embeddings gathered outside the graph, gradients of the graph weights and of the embeddings from
 * SameDiff, embedding gradients scatter-added into the tables, global-norm clipping, AdamW with linear warm-up
 * and decay. After each epoch the dev set is scored with the task's metrics; the best weights are kept (and
 * written to {@code best.kdm} in the work folder). Checkpoints (every N steps and at each epoch end) make the run
 * resumable with the same result as an uninterrupted one. A non-finite loss stops the run, naming the step.
 */
public final class Trainer {

    private static final Logger LOG = LogManager.getLogger(Trainer.class);
    public static final String BEST_MODEL = "best.kdm";

    /** Off by {@code -Dkd4j.stepPool=false} (to compare; see the README's "Measured"). */
    private static final boolean POOL_STEPS = Boolean.parseBoolean(System.getProperty("kd4j.stepPool", "true"));
    private static final long POOL_BUDGET_BYTES = 512L << 20;

    private final String name;
    private final TextClassifier model;
    private final EncodedDataset train;
    private final EncodedDataset dev;
    private final float[][][] teacherLogits;
    private final DistillConfig distill;
    private final TrainConfig config;
    private final DataConfig data;
    private final int padId;
    private final Path workDir;
    private final Progress progress;
    private final DistillationLoss loss;
    /** What SameDiff differentiates with respect to: graph weights and the embeddings input (fixed per model). */
    private final List<String> gradientTargets;
    /** The model's trainable arrays by name (the same arrays every step). */
    private final Map<String, INDArray> parameters;
    private long interruptAfterStep = -1;
    /** The model's own graph first, then replicas sharing its parameters (see {@link #workers(int)}). */
    private final List<Worker> workers = new ArrayList<>();
    /**
     * When no micro-batch size is configured, transformer batches are cut into micro-batches that keep a step's arrays
     * within {@link #STEP_ARRAYS_BUDGET} bytes over all workers: SameDiff keeps every array of a step until it ends
     * (1.4 MB per token for MiniLM: 2.8 GB at 32 x 64 on one worker). The bytes per token come from
     * {@link #estimatedBytesPerToken}, corrected by what the first pooled step measured.
     */
    private double calibration = 1.0;
    private boolean sized;
    private long lastPartTokens;
    private int lastPartLength;
    /** Bytes a training step's arrays may take over all workers before batches are cut into micro-batches. */
    static final long STEP_ARRAYS_BUDGET = 1536L << 20;

    /**
     * Estimated bytes a transformer step keeps per token at a padded length: per layer about 130 hidden-width and
     * 10 attention-row floats (activations and their gradients; fitted to MiniLM at 32 x 64, which measured 1,481 KB
     * per token against this estimate's 1,350: the first pooled step corrects it). 0 for other models (no automatic
     * micro-batches).
     */
    static double estimatedBytesPerToken(org.kd4j.model.ModelConfig c, int length) {
        if (!(c instanceof org.kd4j.model.TransformerConfig t)) {
            return 0;
        }
        return 4.0 * t.layers() * (130.0 * t.hidden() + 10.0 * t.heads() * length);
    }

    /** The automatic micro-batch limit for a batch of this padded length (0: none). */
    private int autoMicroTokens(int length) {
        double perToken = estimatedBytesPerToken(model.config(), length) * calibration;
        if (perToken <= 0) {
            return 0;
        }
        return (int) Math.max(64, STEP_ARRAYS_BUDGET / workers.size() / perToken);
    }
    private java.util.concurrent.ExecutorService workerThreads;

    /**
     * @param teacherLogits {@code [teachers][train examples][outputs]}, or {@code null} to train on gold labels only
     */
    public Trainer(String name, TextClassifier model, EncodedDataset train, EncodedDataset dev, float[][][] teacherLogits,
                   DistillConfig distill, TrainConfig config, DataConfig data, int padId, Path workDir, Progress progress) {
        if (train.size() == 0) {
            throw new KdException(name + ": the training set is empty");
        }
        if (teacherLogits != null) {
            for (int k = 0; k < teacherLogits.length; k++) {
                if (teacherLogits[k].length != train.size() || teacherLogits[k][0].length != model.outputs()) {
                    throw new KdException(name + ": teacher " + k + " gives " + teacherLogits[k].length + " x "
                            + teacherLogits[k][0].length + " logits; expected " + train.size() + " x " + model.outputs());
                }
            }
        }
        this.name = name;
        this.model = model;
        this.train = train;
        this.dev = dev;
        this.teacherLogits = teacherLogits;
        this.distill = distill;
        this.config = config;
        this.data = data;
        this.padId = padId;
        this.workDir = workDir;
        this.progress = progress;
        SoftLoss soft = teacherLogits == null ? SoftLoss.KL : distill.softLoss();
        List<String> targets = new ArrayList<>(model.graph().trainableVariables());
        targets.removeIf(org.kd4j.model.EmbeddingLayer::isTable);
        targets.add(ClassifierGraph.EMBEDDINGS);
        this.gradientTargets = List.copyOf(targets);
        this.parameters = model.parameters();
        this.loss = lossFor(model, soft);
        this.workers.add(new Worker(model));
        workers(Threads.trainingWorkers());
    }

    private DistillationLoss lossFor(TextClassifier graph, SoftLoss soft) {
        return train.task().isRegression()
                ? DistillationLoss.regression(graph.sd(), graph.logitsVariable())
                : DistillationLoss.classification(graph.sd(), graph.logitsVariable(), graph.outputs(), soft);
    }

    /**
     * Trains with {@code count} workers: each step's batch is split into contiguous parts whose gradients are computed
     * at the same time on replicas of the model that share its parameters, then added up (the same gradient as the
     * whole batch's, up to float rounding). Models that cannot be replicated (imported students) keep one worker.
     *
     * @return this trainer
     */
    public Trainer workers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + count);
        }
        SoftLoss soft = teacherLogits == null ? SoftLoss.KL : distill.softLoss();
        while (workers.size() < count) {
            java.util.Optional<TextClassifier> replica = model.replica();
            if (replica.isEmpty()) {
                LOG.info("{}: this model cannot be replicated; training with one worker", name);
                break;
            }
            lossFor(replica.get(), soft);
            workers.add(new Worker(replica.get()));
        }
        return this;
    }

    /** The threads of workers 1.. (made on first use; {@link #close} stops them, a later step makes them again). */
    private java.util.concurrent.ExecutorService workerThreads() {
        if (workerThreads == null) {
            workerThreads = java.util.concurrent.Executors.newFixedThreadPool(workers.size() - 1, r -> {
                Thread t = new Thread(r, name + " worker");
                t.setDaemon(true);
                return t;
            });
        }
        return workerThreads;
    }

    /** For tests: throw {@link Interrupted} right after this step, as a crash would. */
    void interruptAfterStep(long step) {
        this.interruptAfterStep = step;
    }

    /** Thrown by the test hook {@link #interruptAfterStep}. */
    static final class Interrupted extends RuntimeException {
        Interrupted(long step) {
            super("interrupted after step " + step, null, false, false);
        }
    }

    /**
     * Trains (or resumes from the last checkpoint in the work folder) and leaves the best weights in the model.
     */
    public TrainResult fit(boolean resume) {
        BatchPlanner planner = new BatchPlanner(data.batchSize(), data.bucketing(), data.bucketBatches(), config.seed());
        int[] lengths = train.lengths();
        int stepsPerEpoch = planner.trainingOrder(lengths, 0).size();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        LearningRateSchedule lr = new LearningRateSchedule(config.learningRate(),
                Math.round(config.warmupFraction() * totalSteps), totalSteps);
        TemperatureSchedule temperature = TemperatureSchedule.linear(distill.temperature(), distill.temperatureEnd(), totalSteps);
        AdamW optimizer = new AdamW(config.weightDecay());
        TrainingState state = TrainingState.start();
        if (resume && Checkpoint.exists(workDir)) {
            Checkpoint.Loaded loaded = Checkpoint.load(workDir);
            loaded.restoreInto(model);
            optimizer.restore(loaded.optimizerState().firstMoments(), loaded.optimizerState().secondMoments(),
                    loaded.optimizerState().step());
            state = loaded.state();
            LOG.info("{}: resuming at epoch {}, batch {} (step {})", name, state.epoch() + 1, state.batchInEpoch(), state.step());
        }
        Map<String, INDArray> best = state.bestEpoch() >= 0 && java.nio.file.Files.exists(workDir.resolve(BEST_MODEL))
                ? copy(TextClassifier.load(workDir.resolve(BEST_MODEL)).parameters()) : null;
        Evaluation bestEvaluation = null;
        long started = System.nanoTime();
        long examplesSeen = 0;
        int padTo = data.padding() == PaddingMode.FIXED ? data.maxLength() : 0;
        progress.start(name + " train", totalSteps);

        epochs:
        for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
            List<int[]> batches = planner.trainingOrder(lengths, epoch);
            for (int b = state.batchInEpoch(); b < batches.size(); b++) {
                Batch batch = Batch.of(train, batches.get(b), padTo, padId);
                double value = step(batch, optimizer, lr.at(state.step()), temperature.at(state.step()), state.step());
                examplesSeen += batch.size();
                state = new TrainingState(epoch, b + 1, state.step() + 1, state.bestScore(), state.bestEpoch(),
                        state.epochsWithoutImprovement(), state.devScores());
                progress.update(state.step(), batch.size(), value);
                if (config.checkpointEverySteps() > 0 && state.step() % config.checkpointEverySteps() == 0) {
                    Checkpoint.save(workDir, model, optimizer, state);
                }
                if (state.step() == interruptAfterStep) {
                    throw new Interrupted(state.step());
                }
            }
            Evaluation evaluation = evaluate();
            List<Double> scores = new ArrayList<>(state.devScores());
            scores.add(evaluation.main());
            boolean better = Double.isNaN(state.bestScore()) || evaluation.main() > state.bestScore();
            if (better) {
                best = copy(parameters);
                bestEvaluation = evaluation;
                model.save(workDir.resolve(BEST_MODEL));
            }
            state = new TrainingState(epoch + 1, 0, state.step(), better ? evaluation.main() : state.bestScore(),
                    better ? epoch : state.bestEpoch(), better ? 0 : state.epochsWithoutImprovement() + 1, scores);
            LOG.info("{}: epoch {}/{} dev {}{}", name, epoch + 1, config.epochs(), evaluation, better ? " (best)" : "");
            Checkpoint.save(workDir, model, optimizer, state);
            if (config.earlyStoppingPatience() > 0 && state.epochsWithoutImprovement() >= config.earlyStoppingPatience()) {
                LOG.info("{}: early stop after epoch {}: no better dev score for {} epochs", name, epoch + 1,
                        state.epochsWithoutImprovement());
                break epochs;
            }
        }
        if (best != null) {
            best.forEach((key, array) -> parameters.get(key).assign(array));
        }
        if (bestEvaluation == null) {
            bestEvaluation = evaluate();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        close(); // free the step arrays now rather than at the next collection
        return new TrainResult(bestEvaluation, state.bestEpoch(), state, seconds, examplesSeen / Math.max(1e-9, seconds));
    }

    /** One update; returns the loss before it. */
    private double step(Batch batch, AdamW optimizer, double learningRate, double temperature, long step) {
        BatchGradients g = gradients(batch, temperature);
        double value = g.loss();
        Map<String, INDArray> grads = g.weights();
        INDArray embeddingGrad = g.embeddings();
        if (!Double.isFinite(value)) {
            throw new KdException(name + ": loss is " + value + " at step " + (step + 1) + "; stopped without updating."
                    + (Checkpoint.exists(workDir) ? " The last good checkpoint is in " + Checkpoint.folder(workDir)
                    + " (--resume continues from it)." : " No checkpoint was written yet.")
                    + " Try a lower learning rate or gradient clipping.");
        }
        Map<String, EmbeddingTable.RowGradient> rowGrads = model.embeddings().backward(batch, embeddingGrad);
        clip(grads, rowGrads);
        optimizer.update(parameters, grads, rowGrads, learningRate);
        if (!sized) {
            sizeMicroBatches();
        }
        // free this step's own gradient arrays now: left to the garbage collector (the heap stays small, so it seldom
        // runs) they piled up to gigabytes of native memory while fine-tuning a 33M-parameter encoder
        rowGrads.values().forEach(r -> r.values().close());
        if (g.owned()) {
            grads.values().forEach(INDArray::close);
            embeddingGrad.close();
        }
        return value;
    }

    /**
     * After the first pooled step: compares the bytes per token its arrays took with the estimate (the micro-batch
     * limit follows the larger of the two from then on) and frees the first step's arrays, which were made before the
     * step pool was attached (a collection is the only way M2.1 releases them).
     */
    private void sizeMicroBatches() {
        long pooled = workers.stream().mapToLong(w -> w.arrays == null ? 0 : w.arrays.pooledBytes()).max().orElse(0);
        if (pooled <= 0 || lastPartTokens <= 0) {
            return; // the pools fill from the second step on
        }
        sized = true;
        double measured = (double) pooled / lastPartTokens;
        double estimated = estimatedBytesPerToken(model.config(), lastPartLength);
        if (estimated > 0) {
            calibration = Math.max(1.0, measured / estimated);
            LOG.debug("{}: a step's arrays take {} KB per token (estimate {} KB); micro-batch limit {} tokens at length {}", name,
                    Math.round(measured / 1024), Math.round(estimated / 1024), autoMicroTokens(lastPartLength), lastPartLength);
        }
        System.gc();
    }

    /**
     * The loss of a batch and its gradients: by weight name, and for the summed input embeddings {@code [B, L, H]}.
     *
     * @param owned whether the arrays are copies this trainer may free (summed parts) rather than a session's own
     */
    record BatchGradients(double loss, Map<String, INDArray> weights, INDArray embeddings, boolean owned) { }

    /**
     * Loss and gradients of a whole batch: from one pass, or added up from parts (micro-batches, see
     * {@link Threads#microBatchTokens()}) computed in turn on each worker and at the same time across workers.
     */
    BatchGradients gradients(Batch batch, double temperature) {
        List<Part> parts = split(batch);
        lastPartTokens = parts.stream().mapToLong(p -> (long) p.batch().size() * p.batch().length()).max().orElse(0);
        lastPartLength = batch.length();
        if (parts.size() == 1) {
            OutAndGrad result = workers.get(0).gradients(batch, lossPlaceholders(batch, temperature, 1, 1));
            Map<String, INDArray> grads = new LinkedHashMap<>(result.getGradients());
            INDArray embeddingGrad = grads.remove(ClassifierGraph.EMBEDDINGS);
            return new BatchGradients(result.getOutputs().get(DistillationLoss.LOSS).getDouble(0), grads, embeddingGrad, false);
        }
        int active = Math.min(workers.size(), parts.size());
        List<java.util.concurrent.Future<Sum>> futures = new ArrayList<>();
        for (int w = 1; w < active; w++) {
            int worker = w;
            futures.add(workerThreads().submit(() -> accumulate(worker, active, parts, temperature)));
        }
        List<Sum> sums = new ArrayList<>();
        sums.add(accumulate(0, active, parts, temperature));
        for (java.util.concurrent.Future<Sum> f : futures) {
            try {
                sums.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted while waiting for a training worker", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException(name + ": training worker failed", e.getCause());
            }
        }
        Sum total = sums.get(0);
        for (int i = 1; i < sums.size(); i++) {
            total.add(sums.get(i));
        }
        INDArray[] embeddingParts = new INDArray[parts.size()];
        sums.forEach(sum -> sum.embeddings.forEach((index, grad) -> embeddingParts[index] = grad));
        INDArray embeddings = Nd4j.concat(0, embeddingParts);
        for (INDArray part : embeddingParts) {
            part.close();
        }
        return new BatchGradients(total.loss, total.weights, embeddings, true);
    }

    /** Loss and weight gradients added up over parts, and each part's embedding gradient by part index (owned copies). */
    private static final class Sum {
        double loss;
        Map<String, INDArray> weights;
        final Map<Integer, INDArray> embeddings = new java.util.TreeMap<>();

        void add(OutAndGrad result, int part) {
            loss += result.getOutputs().get(DistillationLoss.LOSS).getDouble(0);
            Map<String, INDArray> grads = result.getGradients();
            if (weights == null) {
                weights = new LinkedHashMap<>();
                grads.forEach((k, v) -> {
                    if (!k.equals(ClassifierGraph.EMBEDDINGS)) {
                        weights.put(k, v.dup());
                    }
                });
            } else {
                grads.forEach((k, v) -> {
                    if (!k.equals(ClassifierGraph.EMBEDDINGS)) {
                        weights.get(k).addi(v);
                    }
                });
            }
            embeddings.put(part, grads.get(ClassifierGraph.EMBEDDINGS).dup());
        }

        /** Adds {@code other}'s loss and weight gradients, freeing its arrays. */
        void add(Sum other) {
            loss += other.loss;
            other.weights.forEach((k, v) -> {
                weights.get(k).addi(v);
                v.close();
            });
        }
    }

    /** Worker {@code w} of {@code active} computes parts w, w + active, ... in turn. */
    private Sum accumulate(int w, int active, List<Part> parts, double temperature) {
        Sum sum = new Sum();
        for (int i = w; i < parts.size(); i += active) {
            Part p = parts.get(i);
            // the worker's arrays are reused by its next part: Sum keeps copies
            sum.add(workers.get(w).gradients(p.batch(), lossPlaceholders(p.batch(), temperature, p.hardShare(), p.softShare())), i);
        }
        return sum;
    }

    /** A contiguous slice of a batch, padded to the batch's length, with the share of each loss term it carries. */
    private record Part(Batch batch, double hardShare, double softShare) { }

    /**
     * The batch split over the workers (one part when there is one worker or the batch is too small). Each part's
     * loss terms are weighted by its share of the batch's labeled and of all examples, so that the parts' gradients
     * add up to the whole batch's gradient exactly.
     */
    private List<Part> split(Batch batch) {
        long tokens = (long) batch.size() * batch.length();
        // small batches (short sentences with dynamic padding) gain nothing from workers: measured, see the README
        int parallel = Threads.worthSplitting(tokens, model.config().hidden(), workers.size()) ? workers.size() : 1;
        int limit = Threads.microBatchTokens() > 0 ? Threads.microBatchTokens() : autoMicroTokens(batch.length());
        int micro = limit > 0 ? (int) Math.min(batch.size(), (tokens + limit - 1) / limit) : 1;
        int k = Math.min(batch.size(), Math.max(parallel, (micro + parallel - 1) / parallel * parallel));
        if (k <= 1) {
            return List.of(new Part(batch, 1, 1));
        }
        int labeledTotal = 0;
        for (int label : batch.labels()) {
            labeledTotal += label >= 0 ? 1 : 0;
        }
        List<Part> parts = new ArrayList<>();
        int from = 0;
        for (int w = 0; w < k; w++) {
            int to = from + (batch.size() - from) / (k - w);
            int[] indices = java.util.Arrays.copyOfRange(batch.indices(), from, to);
            Batch part = Batch.of(train, indices, batch.length(), padId);
            int labeled = 0;
            for (int label : part.labels()) {
                labeled += label >= 0 ? 1 : 0;
            }
            parts.add(new Part(part, labeledTotal == 0 ? 0 : (double) labeled / labeledTotal, (double) part.size() / batch.size()));
            from = to;
        }
        return parts;
    }

    /** One model graph computing gradients: the trained model itself, or a replica sharing its parameters. */
    private final class Worker {
        private final TextClassifier graph;
        private StepArrayPool arrays;

        /** {@code graph} must already hold the loss (see {@link #lossFor}). */
        Worker(TextClassifier graph) {
            this.graph = graph;
        }

        /** Forward and backward of one (part of a) batch. */
        OutAndGrad gradients(Batch batch, Map<String, INDArray> lossPlaceholders) {
            if (arrays != null) {
                arrays.recycle(); // nothing of this worker's previous step is referenced any more
            } else if (POOL_STEPS) {
                poolFromTheStart();
            }
            Map<String, INDArray> feed = new HashMap<>(graph.feed(batch));
            feed.putAll(lossPlaceholders);
            boolean built = graph.sd().getFunction("grad") != null;
            OutAndGrad result = graph.run(() -> built
                    ? graph.sd().calculateGradientsAndOutputs(feed, List.of(DistillationLoss.LOSS), gradientTargets)
                    : QuietStdout.call(() -> graph.sd().calculateGradientsAndOutputs(feed, List.of(DistillationLoss.LOSS),
                            gradientTargets)));
            if (POOL_STEPS) {
                if (arrays == null) {
                    arrays = new StepArrayPool(POOL_BUDGET_BYTES);
                }
                StepArrayPool.attachToGradients(graph.sd(), arrays); // sessions are per thread: attach to new ones too
            }
            // a BiLSTM's layer outside the graph: its weights' and the embeddings' gradients from the graph's
            return new OutAndGrad(result.getOutputs(), graph.backThroughRecurrent(result.getGradients()));
        }

        /**
         * Builds the gradient function and this thread's session for it with the step pool as its memory manager, before
         * the first step runs: otherwise the first step's arrays go to SameDiff's own cache (up to a quarter of the
         * off-heap limit) and stay in the process's resident memory after they are freed.
         */
        private void poolFromTheStart() {
            arrays = new StepArrayPool(POOL_BUDGET_BYTES);
            org.nd4j.autodiff.samediff.SameDiff sd = graph.sd();
            if (sd.getFunction("grad") == null) {
                QuietStdout.call(() -> {
                    sd.createGradFunction();
                    return null;
                });
            }
            org.nd4j.autodiff.samediff.SameDiff grad = sd.getFunction("grad");
            if (grad != null) {
                grad.getSessions().computeIfAbsent(Thread.currentThread().getId(), id -> {
                    org.nd4j.autodiff.samediff.internal.InferenceSession session = new org.nd4j.autodiff.samediff.internal.InferenceSession(grad);
                    session.setMmgr(arrays);
                    return session;
                });
            }
        }

        void close() {
            if (arrays != null) {
                arrays.close();
            }
            if (graph.graph().recurrent() != null) {
                graph.graph().recurrent().close();
            }
        }
    }

    private Map<String, INDArray> lossPlaceholders(Batch batch, double temperature, double hardShare, double softShare) {
        boolean teachers = teacherLogits != null;
        double hard = (teachers ? distill.hardWeight() : 1.0) * hardShare;
        double soft = (teachers ? distill.softWeight() : 0.0) * softShare;
        int c = model.outputs();
        EnsembleTargets targets = null;
        if (teachers) {
            float[][][] slice = new float[teacherLogits.length][batch.size()][];
            for (int k = 0; k < teacherLogits.length; k++) {
                for (int i = 0; i < batch.size(); i++) {
                    slice[k][i] = teacherLogits[k][batch.indices()[i]];
                }
            }
            double[] fixed = distill.teacherWeights().stream().mapToDouble(Double::doubleValue).toArray();
            targets = EnsembleTargets.compute(slice, train.task().isRegression() ? null : batch.labels(),
                    distill.weighting(), fixed.length == 0 ? null : fixed, temperature, distill.averageLogits());
        }
        if (train.task().isRegression()) {
            INDArray mean = targets == null ? Nd4j.zeros(DataType.FLOAT, batch.size(), 1) : targets.meanLogits(DataType.FLOAT);
            return loss.placeholders(batch.scores(), mean, hard, soft);
        }
        INDArray softTargets = targets == null ? Nd4j.zeros(DataType.FLOAT, batch.size(), c)
                : distill.softLoss() == SoftLoss.MSE_LOGITS ? targets.meanLogits(DataType.FLOAT) : targets.softTargets(DataType.FLOAT);
        int[] gold = batch.labels();
        if (targets != null && distill.hardDistillation()) {
            // hard distillation: unlabeled (transfer) examples take the ensemble's arg-max as their gold label
            gold = gold.clone();
            int[] pseudo = targets.hardLabels();
            for (int i = 0; i < gold.length; i++) {
                if (gold[i] < 0) {
                    gold[i] = pseudo[i];
                }
            }
        }
        return loss.placeholders(gold, softTargets, temperature, hard, soft);
    }

    /** Scales all gradients so that their global L2 norm is at most {@code clip_norm}. */
    private void clip(Map<String, INDArray> grads, Map<String, EmbeddingTable.RowGradient> rowGrads) {
        if (config.clipNorm() <= 0) {
            return;
        }
        List<INDArray> all = new ArrayList<>(grads.values());
        rowGrads.values().forEach(g -> all.add(g.values()));
        double sumSquares = 0;
        for (INDArray g : all) {
            double n = g.norm2Number().doubleValue();
            sumSquares += n * n;
        }
        double norm = Math.sqrt(sumSquares);
        if (norm > config.clipNorm()) {
            double scale = config.clipNorm() / norm;
            all.forEach(g -> g.muli(scale));
        }
    }

    /** The task's metrics of the current weights on the dev set. */
    public Evaluation evaluate() {
        float[][] logits = model.logits(dev, Math.max(32, data.batchSize()), padId);
        return Evaluation.of(dev.task(), logits, dev.labels(), dev.scores());
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /**
     * Single training steps (forward, backward, AdamW update) on given batches, without epochs, evaluation or
     * checkpoints: what benchmarks time.
     */
    public static StepTimer stepTimer(TextClassifier model, EncodedDataset data) {
        return stepTimer(model, data, Threads.trainingWorkers());
    }

    /** {@link #stepTimer(TextClassifier, EncodedDataset)} with {@code workers} training workers. */
    public static StepTimer stepTimer(TextClassifier model, EncodedDataset data, int workers) {
        Trainer trainer = new Trainer("bench", model, data, data, null, DistillConfig.defaults(), TrainConfig.defaults(),
                DataConfig.defaults(), 0, Path.of("."), Progress.off());
        return new StepTimer(trainer.workers(workers));
    }

    /** See {@link #stepTimer}. */
    public static final class StepTimer implements AutoCloseable {
        private final Trainer trainer;
        private final AdamW optimizer = new AdamW(0.01);
        private long steps;

        private StepTimer(Trainer trainer) {
            this.trainer = trainer;
        }

        /** One update on {@code batch}; returns the loss before it. */
        public double step(Batch batch) {
            return trainer.step(batch, optimizer, 1e-4, 1.0, steps++);
        }

        /** Parts the batch is split into (for tests). */
        int parts(Batch batch) {
            return trainer.split(batch).size();
        }

        /** Loss and gradients of a batch without updating (for tests). */
        BatchGradients gradients(Batch batch) {
            return trainer.gradients(batch, 1.0);
        }

        /** Frees the workers' step arrays and stops their threads. */
        @Override
        public void close() {
            trainer.close();
        }
    }

    /** Frees the workers' step arrays and stops the worker threads; a later step makes them again. */
    void close() {
        workers.forEach(Worker::close);
        if (workerThreads != null) {
            workerThreads.shutdownNow();
            workerThreads = null;
        }
    }

    /** A finished training run. */
    public record TrainResult(Evaluation best, int bestEpoch, TrainingState state, double seconds, double examplesPerSecond) {}
}
