package org.kd4j.distill.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.distill.loss.DistillationLoss;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.InputDropout;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.model.memory.StepArrayPool;
import org.kd4j.util.Parallelism;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss and gradients of a batch, computed data-parallel: the batch is cut into contiguous parts (one per worker
 * when it carries enough work, more when micro-batches are asked for or needed to bound memory), each worker (the model
 * itself, then replicas sharing its parameters, each with its own thread) computes its parts in turn, and the parts'
 * gradients are added up: the whole batch's gradient up to float rounding. Workers, micro-batch size and the memory
 * budget come from the run's {@link Parallelism}; each worker's step arrays live in a {@link StepArrayPool}.
 */
final class GradientEngine implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(GradientEngine.class);
    private static final long POOL_BUDGET_BYTES = 512L << 20;
    /** Bytes a training step's arrays may take over all workers before batches are cut into micro-batches. */
    static final long STEP_ARRAYS_BUDGET = 1536L << 20;

    /**
     * The loss of a batch and its gradients: by weight name, and for the summed input embeddings {@code [B, L, H]}.
     *
     * @param owned whether the arrays are copies the caller may free (summed parts) rather than a session's own
     */
    record BatchGradients(double loss, Map<String, INDArray> weights, INDArray embeddings, boolean owned) { }

    private final String name;
    private final TextClassifier model;
    private final EncodedDataset train;
    private final int padId;
    private final Parallelism parallelism;
    private final LossTargets targets;
    private final boolean poolSteps;
    /**
     * The share of {@link #STEP_ARRAYS_BUDGET} and of the step pools' budget this engine may use: 1 when it trains alone,
     * 1/K for each of K engines that hold their step arrays at the same time ({@link CoFinetuner}).
     */
    private final double memoryShare;
    /** Dropout on the embeddings the model reads ({@link InputDropout#NONE}: none). */
    private final InputDropout dropout;
    /** What SameDiff differentiates with respect to: graph weights and the embeddings input (fixed per model). */
    private final List<String> gradientTargets;
    /** The model's own graph first, then replicas sharing its parameters. */
    private final List<Worker> workers = new ArrayList<>();
    private ExecutorService workerThreads;
    /**
     * When no micro-batch size is configured, transformer batches are cut into micro-batches that keep a step's arrays
     * within {@link #STEP_ARRAYS_BUDGET} bytes over all workers: SameDiff keeps every array of a step until it ends
     * (1.4 MB per token for MiniLM: 2.8 GB at 32 x 64 on one worker). The bytes per token come from
     * {@link #estimatedBytesPerToken}, corrected by what the first pooled step measured.
     */
    private double calibration = 1.0;
    private boolean sized;
    /** Where the workers' time goes (and, added by {@link TrainingStep} and {@link Trainer}, the rest of a step's). */
    private final TrainingPhases phases = new TrainingPhases();
    private long lastPartTokens;
    private int lastPartLength;

    /**
     * @param train the data the batches index (parts are cut from it)
     * @param poolSteps each worker's step arrays in a {@link StepArrayPool} (off only to compare; see the README's
     *     "Measured")
     */
    GradientEngine(String name, TextClassifier model, LossTargets targets, EncodedDataset train, int padId,
                   Parallelism parallelism, boolean poolSteps) {
        this(name, model, targets, train, padId, parallelism, poolSteps, 1.0, InputDropout.NONE);
    }

    /**
     * @param memoryShare the share (0..1] of the step arrays' and step pools' budgets this engine may use, when several
     *     engines keep their step arrays at the same time
     * @param dropout dropout on the summed embeddings, its mask drawn per step ({@link #gradients(Batch, double, long)})
     *     for the whole batch, whatever the parts
     */
    GradientEngine(String name, TextClassifier model, LossTargets targets, EncodedDataset train, int padId,
                   Parallelism parallelism, boolean poolSteps, double memoryShare, InputDropout dropout) {
        if (!(memoryShare > 0 && memoryShare <= 1)) {
            throw new IllegalArgumentException("memoryShare: expected a share in (0, 1], found " + memoryShare);
        }
        this.memoryShare = memoryShare;
        this.dropout = java.util.Objects.requireNonNull(dropout, "dropout");
        this.name = name;
        this.model = model;
        this.train = train;
        this.padId = padId;
        this.parallelism = parallelism;
        this.targets = targets;
        this.poolSteps = poolSteps;
        LossTargets.GraphLoss first = targets.addTo(model);
        List<String> differentiated = new ArrayList<>(model.graph().trainableVariables());
        differentiated.removeIf(EmbeddingLayer::isTable);
        differentiated.addAll(targets.lossParameters().keySet()); // the hidden loss' projections, trained with the model
        differentiated.add(ClassifierGraph.EMBEDDINGS);
        this.gradientTargets = List.copyOf(differentiated);
        workers.add(new Worker(model, first));
        while (workers.size() < parallelism.workers()) {
            Optional<TextClassifier> replica = model.replica();
            if (replica.isEmpty()) {
                LOG.info("{}: this model cannot be replicated; training with one worker", name);
                break;
            }
            workers.add(new Worker(replica.get(), targets.addTo(replica.get())));
        }
    }

    /**
     * Estimated bytes a transformer step keeps per token at a padded length: per layer about 130 hidden-width and
     * 10 attention-row floats (activations and their gradients; fitted to MiniLM at 32 x 64, which measured 1,481 KB
     * per token against this estimate's 1,350: the first pooled step corrects it). 0 for other models (no automatic
     * micro-batches).
     */
    static double estimatedBytesPerToken(ModelConfig c, int length) {
        if (!(c instanceof TransformerConfig t)) {
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
        return (int) Math.max(64, STEP_ARRAYS_BUDGET * memoryShare / workers.size() / perToken);
    }

    /**
     * Loss and gradients of a whole batch at {@code temperature}: from one pass, or added up from parts (micro-batches)
     * computed in turn on each worker and at the same time across workers.
     */
    BatchGradients gradients(Batch batch, double temperature) {
        return gradients(batch, temperature, 0);
    }

    /**
     * As {@link #gradients(Batch, double)}, at training step {@code step} (0-based), which seeds the batch's dropout
     * mask; each part takes its rows of it.
     */
    BatchGradients gradients(Batch batch, double temperature, long step) {
        List<Part> parts = split(batch);
        lastPartTokens = parts.stream().mapToLong(p -> (long) p.batch().size() * p.batch().length()).max().orElse(0);
        lastPartLength = batch.length();
        if (parts.size() == 1) {
            Worker worker = workers.get(0);
            OutAndGrad result = worker.gradients(batch, targets.placeholders(worker.loss, batch, temperature, 1, 1), step, 0);
            Map<String, INDArray> grads = new LinkedHashMap<>(result.getGradients());
            INDArray embeddingGrad = grads.remove(ClassifierGraph.EMBEDDINGS);
            return new BatchGradients(result.getOutputs().get(DistillationLoss.LOSS).getDouble(0), grads, embeddingGrad, false);
        }
        int active = Math.min(workers.size(), parts.size());
        List<Future<Sum>> futures = new ArrayList<>();
        for (int w = 1; w < active; w++) {
            int worker = w;
            futures.add(workerThreads().submit(() -> accumulate(worker, active, parts, temperature, step)));
        }
        List<Sum> sums = new ArrayList<>();
        sums.add(accumulate(0, active, parts, temperature, step));
        for (Future<Sum> f : futures) {
            try {
                sums.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted while waiting for a training worker", e);
            } catch (ExecutionException e) {
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

    /** Parts {@code batch} is split into (for tests). */
    int parts(Batch batch) {
        return split(batch).size();
    }

    /**
     * After an update: once the first pooled step is done, compares the bytes per token its arrays took with the
     * estimate (the micro-batch limit follows the larger of the two from then on) and frees the first step's arrays,
     * which were made before the step pool was attached (a collection is the only way M2.1 releases them).
     */
    void afterUpdate() {
        if (sized) {
            return;
        }
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

    /** The time of this engine's steps by phase, the workers' own included. */
    TrainingPhases phases() {
        return phases;
    }

    /** The loss' own trainable arrays (the hidden loss' projections), updated with the model's; empty without. */
    Map<String, INDArray> lossParameters() {
        return targets.lossParameters();
    }

    /** Frees the workers' step arrays and stops the worker threads; a later batch makes them again. */
    @Override
    public void close() {
        workers.forEach(Worker::close);
        if (workerThreads != null) {
            workerThreads.shutdownNow();
            workerThreads = null;
        }
    }

    /** The threads of workers 1.. (made on first use). */
    private ExecutorService workerThreads() {
        if (workerThreads == null) {
            workerThreads = Executors.newFixedThreadPool(workers.size() - 1, r -> {
                Thread t = new Thread(r, name + " worker");
                t.setDaemon(true);
                return t;
            });
        }
        return workerThreads;
    }

    /** Loss and weight gradients added up over parts, and each part's embedding gradient by part index (owned copies). */
    private static final class Sum {
        double loss;
        Map<String, INDArray> weights;
        final Map<Integer, INDArray> embeddings = new TreeMap<>();

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
    private Sum accumulate(int w, int active, List<Part> parts, double temperature, long step) {
        Sum sum = new Sum();
        Worker worker = workers.get(w);
        for (int i = w; i < parts.size(); i += active) {
            Part p = parts.get(i);
            // the worker's arrays are reused by its next part: Sum keeps copies
            sum.add(worker.gradients(p.batch(), targets.placeholders(worker.loss, p.batch(), temperature, p.hardShare(),
                    p.softShare(), p.tokenShare()), step, p.firstRow()), i);
        }
        return sum;
    }

    /**
     * A contiguous slice of a batch from its row {@code firstRow}, padded to the batch's length, with the share of each loss
     * term it carries.
     */
    private record Part(Batch batch, int firstRow, double hardShare, double softShare, double tokenShare) { }

    /**
     * The batch split over the workers (one part when there is one worker or the batch is too small). Each part's
     * loss terms are weighted by its share of the batch's labeled and of all examples, so that the parts' gradients
     * add up to the whole batch's gradient exactly.
     */
    private List<Part> split(Batch batch) {
        long tokens = (long) batch.size() * batch.length();
        // small batches (short sentences with dynamic padding) gain nothing from workers: measured, see the README
        int parallel = Parallelism.worthSplitting(tokens, model.config().hidden(), workers.size()) ? workers.size() : 1;
        int limit = parallelism.microBatchTokens() > 0 ? parallelism.microBatchTokens() : autoMicroTokens(batch.length());
        int micro = limit > 0 ? (int) Math.min(batch.size(), (tokens + limit - 1) / limit) : 1;
        int k = Math.min(batch.size(), Math.max(parallel, (micro + parallel - 1) / parallel * parallel));
        if (k <= 1) {
            return List.of(new Part(batch, 0, 1, 1, 1));
        }
        int labeledTotal = batch.labeledRows();
        long tokensTotal = batch.realTokens();
        List<Part> parts = new ArrayList<>();
        int from = 0;
        for (int w = 0; w < k; w++) {
            int to = from + (batch.size() - from) / (k - w);
            int[] indices = Arrays.copyOfRange(batch.indices(), from, to);
            Batch part = Batch.of(train, indices, batch.length(), padId);
            int labeled = part.labeledRows();
            parts.add(new Part(part, from, labeledTotal == 0 ? 0 : (double) labeled / labeledTotal, (double) part.size() / batch.size(),
                    tokensTotal == 0 ? 0 : (double) part.realTokens() / tokensTotal));
            from = to;
        }
        return parts;
    }

    /** One model graph computing gradients: the trained model itself, or a replica sharing its parameters. */
    private final class Worker {
        private final TextClassifier graph;
        private final LossTargets.GraphLoss loss;
        private StepArrayPool arrays;

        Worker(TextClassifier graph, LossTargets.GraphLoss loss) {
            this.graph = graph;
            this.loss = loss;
        }

        /** Forward and backward of one (part of a) batch. */
        OutAndGrad gradients(Batch batch, Map<String, INDArray> lossPlaceholders, long step, int firstRow) {
            if (arrays != null) {
                arrays.recycle(); // nothing of this worker's previous step is referenced any more
            } else if (poolSteps) {
                poolFromTheStart();
            }
            long t = System.nanoTime();
            Map<String, INDArray> feed = new HashMap<>(graph.feed(batch, dropout, step, firstRow));
            feed.putAll(lossPlaceholders);
            t = phases.since(TrainingPhases.Phase.FEED, t);
            OutAndGrad result = graph.run(() -> graph.sd().calculateGradientsAndOutputs(feed, List.of(DistillationLoss.LOSS),
                    gradientTargets));
            if (poolSteps) {
                if (arrays == null) {
                    arrays = new StepArrayPool((long) (POOL_BUDGET_BYTES * memoryShare));
                }
                StepArrayPool.attachToGradients(graph.sd(), arrays); // sessions are per thread: attach to new ones too
            }
            // a BiLSTM's layer outside the graph (its weights' and the embeddings' gradients from the graph's) and the
            // dropout mask
            t = phases.since(TrainingPhases.Phase.GRAPH, t);
            OutAndGrad out = new OutAndGrad(result.getOutputs(), graph.backThroughInputs(result.getGradients()));
            phases.since(TrainingPhases.Phase.INPUTS_BACKWARD, t);
            return out;
        }

        /**
         * Builds the gradient function and this thread's session for it with the step pool as its memory manager, before
         * the first step runs: otherwise the first step's arrays go to SameDiff's own cache (up to a quarter of the
         * off-heap limit) and stay in the process's resident memory after they are freed.
         */
        private void poolFromTheStart() {
            arrays = new StepArrayPool((long) (POOL_BUDGET_BYTES * memoryShare));
            SameDiff sd = graph.sd();
            if (sd.getFunction("grad") == null) {
                sd.createGradFunction();
            }
            SameDiff grad = sd.getFunction("grad");
            if (grad != null) {
                grad.getSessions().computeIfAbsent(Thread.currentThread().getId(), id -> {
                    InferenceSession session = new InferenceSession(grad);
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
}
