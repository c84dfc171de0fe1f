package org.kd4j.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.OrtStudent;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.ExportedModelReader;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;

/**
 * A distilled student ready to classify text in a JVM application, loaded from a run directory or from a single
 * exported ONNX file with its {@code tokenizer.json} beside it ({@code kd4j export}):
 * <pre>{@code
 * try (DistilledClassifier classifier = DistilledClassifier.load(Path.of("runs/sst2-demo"))) {
 *     List<DistilledClassifier.Prediction> p = classifier.classify(List.of("a gorgeous, witty film"));
 *     p.get(0).label();          // "1"
 *     p.get(0).probabilities();  // {0=0.08, 1=0.92}
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Texts are tokenized on the caller's thread; the model runs on this classifier's own worker
 * threads ({@link Options#workers()}, started on first use), each with its own replica of the graph sharing the
 * weights, so concurrent callers run at the same time on free cores instead of queueing behind one lock. A call's
 * batches are spread over the workers too. {@link #close()} stops the workers and waits for them: no thread of a
 * classifier outlives it. Calls after {@code close()} throw {@link IllegalStateException}. ND4J's threads inside each
 * op are one setting for the whole process, the application's to make ({@link org.kd4j.util.Nd4jProcess#threadsPerOp(int)},
 * once, at start-up); with as many workers as cores, one per op is fastest.
 *
 * <p><b>Native build.</b> {@link #load} chooses the nd4j-native build for this CPU ({@link org.kd4j.util.NativeBuild})
 * unless ND4J was started before or the application chose one itself; loading the class does nothing of the kind.
 *
 * <p><b>Coalescing.</b> With {@link Options#withCoalescing} on kd4j's engine, calls of one batch that wait for a
 * worker at the same time run together as one batch (up to {@link Options#batchSize()} rows): a free worker takes the
 * oldest waiting calls, so a lone call runs at once and only calls that would have queued anyway are joined. kd4j's
 * forward pass costs much the same for a few rows as for one, so concurrent callers of single sentences gain
 * throughput; a row's probabilities may differ from a call of its own by float rounding.
 *
 * <p>Models that cannot be replicated (graphs imported by the generic ONNX importer) run one batch at a time.
 *
 * <p><b>Engine.</b> With {@link Engine#ONNX_RUNTIME} ({@link Options#withEngine}) one shared ONNX Runtime session on
 * the student's ONNX form runs the model instead of kd4j's replicas. A call that makes one batch runs it on the
 * caller's own thread (the hand-off to a worker and back would cost about as much as a short sentence's run); a call
 * of several batches spreads them over the workers as above. Either way at most {@link Options#workers()} session
 * runs are in flight at once (callers beyond that wait for one to end), and {@code close()} waits for the callers'
 * runs too before it closes the session. Waiting costs: on 2 cores, 8 callers got 0.82-0.90 of a bare session's
 * throughput with 2 workers and 0.98-1.06 with 8 ({@code docs/performance.md}), so on this engine give the classifier
 * as many workers as the callers expected at once. The predictions agree with kd4j's to float rounding; ONNX Runtime is faster,
 * most of all for a BiLSTM student (see the README's "Serving a student" and {@code docs/performance.md}).
 */
public final class DistilledClassifier implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(DistilledClassifier.class);
    /** How long {@link #close()} waits for running batches before interrupting them. */
    private static final long CLOSE_WAIT_SECONDS = 60;

    /** What runs a classifier's model. */
    public enum Engine {
        /** kd4j's own graph (SameDiff and ND4J), each worker on its own replica. */
        KD4J,
        /**
         * ONNX Runtime on the student's ONNX form: the exported file itself, or for a run directory the student
         * exported in memory ({@code StudentOnnxWriter}, opset 17), one session shared by the workers. Needs ONNX
         * Runtime ({@code com.microsoft.onnxruntime:onnxruntime}, an optional dependency of kd4j) on the class path.
         */
        ONNX_RUNTIME
    }

    /**
     * How a classifier runs its model.
     *
     * @param workers   threads running the model, each on its own replica (default: one per core)
     * @param batchSize most examples per forward pass; larger calls are split into batches of similar lengths
     * @param engine    what runs the model (default: {@link Engine#KD4J}); with ONNX Runtime each session run gets the
     *                  cores divided by the workers as its intra-op threads (at least one)
     * @param coalescing on kd4j's engine, whether calls of one batch that wait for a worker at the same time are run
     *                  together as one batch of up to {@code batchSize} rows (default: off). A forward pass on kd4j's
     *                  engine costs much the same for a few rows as for one, so under concurrent callers this raises the
     *                  throughput; a row's probabilities may then differ from a call of its own by float rounding (it
     *                  is padded with the others' rows). Not available on ONNX Runtime, whose runs cost in proportion
     *                  to their rows and where a call of one batch runs on the caller's own thread.
     */
    public record Options(int workers, int batchSize, Engine engine, boolean coalescing) {
        public Options {
            if (workers < 1 || workers > 256) {
                throw new IllegalArgumentException("workers: expected 1..256, found " + workers);
            }
            if (batchSize < 1 || batchSize > 4096) {
                throw new IllegalArgumentException("batch size: expected 1..4096, found " + batchSize);
            }
            if (engine == null) {
                throw new IllegalArgumentException("engine: expected one of " + java.util.Arrays.toString(Engine.values())
                        + ", found null");
            }
            if (coalescing && engine != Engine.KD4J) {
                throw new IllegalArgumentException("coalescing: runs calls together on kd4j's engine only, found engine "
                        + engine + " (on ONNX Runtime a call of one batch runs on the caller's thread)");
            }
        }

        /** Without coalescing. */
        public Options(int workers, int batchSize, Engine engine) {
            this(workers, batchSize, engine, false);
        }

        /** kd4j's own engine, without coalescing. */
        public Options(int workers, int batchSize) {
            this(workers, batchSize, Engine.KD4J);
        }

        /** One worker per core, batches of 32, kd4j's own engine. */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 32);
        }

        public Options withWorkers(int n) {
            return new Options(n, batchSize, engine, coalescing);
        }

        public Options withBatchSize(int n) {
            return new Options(workers, n, engine, coalescing);
        }

        public Options withEngine(Engine e) {
            return new Options(workers, batchSize, e, coalescing);
        }

        /** With calls of one batch run together when they wait at the same time (kd4j's engine only). */
        public Options withCoalescing(boolean on) {
            return new Options(workers, batchSize, engine, on);
        }

        /** ONNX Runtime's intra-op threads a session run: the cores divided by the workers, at least one. */
        int onnxRuntimeThreads() {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        }
    }

    /**
     * One prediction.
     *
     * @param label predicted label name (classification), or {@code null} for regression
     * @param labelId its id, -1 for regression
     * @param probabilities softmax probability per label name (empty for regression)
     * @param score the predicted score (regression), NaN otherwise
     */
    public record Prediction(String label, int labelId, Map<String, Double> probabilities, double score) {}

    private final GlueTask task;
    private final List<String> labels;
    private final int maxLength;
    private final BertTokenizer tokenizer;
    private final TextClassifier model;
    /** The ONNX Runtime session when {@link Options#engine()} is {@link Engine#ONNX_RUNTIME}, else null. */
    private final OrtStudent ort;
    private final Options options;
    private final String source;
    private final String threadPrefix;
    private final ThreadPoolExecutor workers;
    /** The model each worker thread runs (the loaded model for the first, replicas for the others). */
    private final ThreadLocal<TextClassifier> workerModel = ThreadLocal.withInitial(this::nextWorkerModel);
    private final List<TextClassifier> workerModels = new ArrayList<>();
    /** Every worker thread the pool made: {@link #close()} joins them, as a terminated pool's threads may still be exiting. */
    private final List<Thread> workerThreads = new ArrayList<>();
    /**
     * With ONNX Runtime: one permit per worker, taken by every session run, on a worker or on a caller's thread, so that
     * no more than {@link Options#workers()} runs are in flight at once; {@link #close()} takes them all before it
     * closes the session.
     */
    private final Semaphore sessionRuns;
    /** ONNX Runtime runs in flight now, and the most there ever were (for tests). */
    private final AtomicInteger runsInFlight = new AtomicInteger();
    private final AtomicInteger mostRunsInFlight = new AtomicInteger();
    /** With coalescing: calls of one batch waiting for a worker, oldest first. */
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    /** The most calls ever run together in one forward pass (for tests; 0 without coalescing). */
    private final AtomicInteger mostCallsCoalesced = new AtomicInteger();
    private volatile boolean closed;

    /** A call of one batch waiting to be run, alone or with others (identity, not value, in the queue). */
    private static final class Waiting {
        final EncodedDataset rows;
        final CompletableFuture<float[][]> logits = new CompletableFuture<>();

        Waiting(EncodedDataset rows) {
            this.rows = rows;
        }
    }

    /**
     * @param onnx the model's ONNX bytes when the engine is ONNX Runtime and they are at hand (an exported file); null
     *             to export the model in memory
     */
    private DistilledClassifier(GlueTask task, List<String> labels, int maxLength, BertTokenizer tokenizer,
                                TextClassifier model, Options options, String source, byte[] onnx) {
        this.ort = options.engine() == Engine.ONNX_RUNTIME ? onnxRuntime(model, onnx,
                new ExportMetadata(task, labels, maxLength), options, source) : null;
        this.task = task;
        this.labels = List.copyOf(labels);
        this.maxLength = maxLength;
        this.tokenizer = tokenizer;
        this.model = model;
        this.options = options;
        this.source = source;
        this.threadPrefix = "kd4j-classifier@" + Integer.toHexString(System.identityHashCode(this)) + "-";
        this.sessionRuns = new Semaphore(options.workers());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(options.workers(), options.workers(), 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task1 -> {
                    Thread t = new Thread(task1, threadPrefix + n.incrementAndGet());
                    t.setDaemon(true); // an application that forgets close() can still exit
                    synchronized (workerThreads) {
                        workerThreads.add(t);
                    }
                    return t;
                });
    }

    /** {@link #load(Path, Options)} with {@link Options#defaults()}. */
    public static DistilledClassifier load(Path path) {
        return load(path, Options.defaults());
    }

    /**
     * Loads a finished run directory, or an exported student ({@code model.onnx} with {@code tokenizer.json} beside
     * it; reading ONNX needs kd4j's model import on the classpath). Errors name the file that is missing or wrong:
     * a labels file that names an unknown task or the wrong number of labels, a model whose outputs do not fit the
     * task, a model and tokenizer that disagree on the vocabulary size.
     */
    public static DistilledClassifier load(Path path, Options options) {
        // the faster native build on AVX-512 CPUs; ND4J reads the choice when it starts, so later calls change nothing
        org.kd4j.util.NativeBuild.select();
        if (Files.isDirectory(path)) {
            return fromRun(path, options);
        }
        if (Files.isRegularFile(path)) {
            return fromExport(path, options);
        }
        throw new KdException(path + ": not found (expected a run directory or an exported .onnx file)");
    }

    private static DistilledClassifier fromRun(Path dir, Options options) {
        RunDirectory run = new RunDirectory(dir);
        RunDirectory.Labels labels = run.readLabels();
        Path tokenizerDir = run.file(RunDirectory.TOKENIZER);
        BertTokenizer tokenizer = BertTokenizer.load(tokenizerDir.toString());
        Path modelFile = run.file(RunDirectory.MODEL);
        TextClassifier model = TextClassifier.load(modelFile);
        check(labels.task(), model, modelFile, tokenizer, tokenizerDir);
        return new DistilledClassifier(labels.task(), labels.labels(), labels.maxLength(), tokenizer, model, options, dir.toString(),
                null);
    }

    private static DistilledClassifier fromExport(Path file, Options options) {
        Path tokenizerFile = file.resolveSibling("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new KdException(file + ": its tokenizer " + tokenizerFile + " is missing ('kd4j export' writes it beside the model)");
        }
        ExportedModelReader reader = ExportedModelReader.find().orElseThrow(() -> new KdException(file
                + ": reading an exported student needs kd4j's model import on the classpath (no "
                + ExportedModelReader.class.getName() + " found)"));
        ExportedModelReader.Read read = reader.read(file);
        ExportMetadata meta = ExportMetadata.of(read.metadata(), file.toString());
        BertTokenizer tokenizer = BertTokenizer.load(tokenizerFile.toString());
        check(meta.task(), read.model(), file, tokenizer, tokenizerFile);
        byte[] onnx = null;
        if (options.engine() == Engine.ONNX_RUNTIME) {
            try {
                onnx = Files.readAllBytes(file);
            } catch (java.io.IOException e) {
                throw new KdException(file + ": cannot be read: " + e.getMessage(), e);
            }
        }
        return new DistilledClassifier(meta.task(), meta.labels(), meta.maxLength(), tokenizer, read.model(), options, file.toString(),
                onnx);
    }

    /** The ONNX Runtime session on {@code onnx}, or on {@code model} exported in memory when {@code onnx} is null. */
    private static OrtStudent onnxRuntime(TextClassifier model, byte[] onnx, ExportMetadata metadata, Options options, String source) {
        byte[] bytes = onnx;
        if (bytes == null) {
            try {
                bytes = StudentOnnxWriter.write(model, metadata, OnnxOpset.V17).toByteArray();
            } catch (RuntimeException e) {
                throw new KdException(source + ": engine ONNX_RUNTIME needs the student in ONNX form, and it cannot be"
                        + " exported: " + e.getMessage() + " (use engine KD4J)", e);
            }
        }
        OrtStudent session = new OrtStudent(bytes, source + " on ONNX Runtime", options.onnxRuntimeThreads());
        LOG.info("{}: the model runs on {} ({} intra-op thread(s) a run, {} worker(s))", source, session.runtime(),
                options.onnxRuntimeThreads(), options.workers());
        return session;
    }

    private static void check(GlueTask task, TextClassifier model, Path modelFile, BertTokenizer tokenizer, Path tokenizerPath) {
        if (model.outputs() != task.numOutputs()) {
            throw new KdException(modelFile + ": the model has " + model.outputs() + " outputs, task " + task + " needs "
                    + task.numOutputs());
        }
        int rows = model.embeddings().vocabSize();
        if (tokenizer.vocabSize() > rows) {
            throw new KdException(modelFile + ": the model's token embedding table has " + rows + " rows, the tokenizer "
                    + tokenizerPath + " has " + tokenizer.vocabSize() + " ids; model and tokenizer do not belong together");
        }
        if (tokenizer.vocabSize() < rows) {
            LOG.warn("{}: the model's token embedding table has {} rows, the tokenizer {} only {} ids (rows it never uses)",
                    modelFile, rows, tokenizerPath, tokenizer.vocabSize());
        }
    }

    public GlueTask task() {
        return task;
    }

    public List<String> labels() {
        return labels;
    }

    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    /** The loaded model (for inspection; classify through this classifier, which runs it on its workers). */
    public TextClassifier model() {
        return model;
    }

    public int maxLength() {
        return maxLength;
    }

    public Options options() {
        return options;
    }

    /** What runs the model, in words: "kd4j", or ONNX Runtime's version with its intra-op threads a session run. */
    public String engineRuntime() {
        if (ort == null) {
            return "kd4j";
        }
        int threads = options.onnxRuntimeThreads();
        return ort.runtime() + " (" + threads + " intra-op thread" + (threads == 1 ? "" : "s") + " a run)";
    }

    /**
     * Classifies single texts, for a task of single sentences ({@link #task()}; for sentence-pair tasks, use
     * {@link #classifyPairs}: a pair model refuses a text alone).
     */
    public List<Prediction> classify(List<String> texts) {
        java.util.Objects.requireNonNull(texts, "texts");
        List<String[]> pairs = new ArrayList<>(texts.size());
        texts.forEach(t -> pairs.add(new String[] {t, null}));
        return predict(pairs);
    }

    /**
     * Classifies text pairs {@code {textA, textB}} for a sentence-pair task; for a task of single sentences each
     * element is {@code {text}} or {@code {text, null}}. An element of the other shape is refused, naming its index:
     * a model trained on pairs reads a text alone as something it never saw, and one trained on single sentences
     * would read the second text as part of the first.
     */
    public List<Prediction> classifyPairs(List<String[]> pairs) {
        java.util.Objects.requireNonNull(pairs, "pairs");
        return predict(pairs);
    }

    private List<Prediction> predict(List<String[]> inputs) {
        List<Example> examples = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            String[] in = inputs.get(i);
            if (in == null || in.length == 0 || in[0] == null) {
                throw new IllegalArgumentException("input " + i + " has no text");
            }
            boolean second = in.length > 1 && in[1] != null;
            if (in.length > 2) {
                throw new IllegalArgumentException("input " + i + ": expected one text or a pair, found " + in.length + " texts");
            }
            if (task.isPair() && !second) {
                throw new IllegalArgumentException("input " + i + ": task " + task + " classifies sentence pairs; expected"
                        + " {textA, textB}, found one text (use classifyPairs)");
            }
            if (!task.isPair() && second) {
                throw new IllegalArgumentException("input " + i + ": task " + task + " classifies single sentences; expected"
                        + " one text, found a pair");
            }
            examples.add(new Example(Integer.toString(i), i + 1, in[0], in.length > 1 ? in[1] : null, Example.NO_LABEL, Double.NaN));
        }
        float[][] logits = logits(EncodedDataset.encode(task, examples, tokenizer, maxLength));
        List<Prediction> out = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            out.add(task.isRegression() ? new Prediction(null, -1, Map.of(), row[0]) : classification(row));
        }
        return out;
    }

    /**
     * Logits of every example of {@code data} in data order: batches of similar lengths ({@link Options#batchSize()})
     * computed on the workers at the same time.
     */
    public float[][] logits(EncodedDataset data) {
        List<int[]> order = new BatchPlanner(options.batchSize(), true, 1, 0).evaluationOrder(data.lengths());
        float[][] out = new float[data.size()][];
        if (ort != null && order.size() == 1) {
            // one batch on ONNX Runtime: run it here, sparing the hand-off to a worker and back
            place(out, order.get(0), onCallerThread(Batch.of(data, order.get(0), 0, tokenizer.padId())));
            return out;
        }
        if (options.coalescing() && order.size() == 1) {
            return coalesced(data);
        }
        List<Future<float[][]>> parts = new ArrayList<>(order.size());
        for (int[] indices : order) {
            parts.add(submit(Batch.of(data, indices, 0, tokenizer.padId())));
        }
        for (int p = 0; p < parts.size(); p++) {
            place(out, order.get(p), await(parts.get(p)));
        }
        return out;
    }

    /**
     * A call of one batch with coalescing: it waits in {@link #waiting} and a worker runs it, with the calls waiting
     * beside it, as one batch. Its rows come back in data order.
     */
    private float[][] coalesced(EncodedDataset data) {
        checkOpen();
        Waiting call = new Waiting(data);
        waiting.add(call);
        try {
            workers.execute(this::runWaiting);
        } catch (RejectedExecutionException e) {
            if (waiting.remove(call)) {
                throw new IllegalStateException(source + ": the classifier is closed", e);
            } // else a worker still running has taken it: its answer comes
        }
        try {
            return await(call.logits);
        } catch (IllegalStateException e) {
            waiting.remove(call); // interrupted: no worker runs it now (a call that failed is no longer waiting)
            throw e;
        }
    }

    /**
     * On a worker: takes the oldest waiting calls, as many as fit in {@link Options#batchSize()} rows (the first always),
     * runs them as one batch padded to its longest row, and hands each call its rows. Every call queues one such task,
     * so a task may find its call taken by another and nothing left to do.
     */
    private void runWaiting() {
        List<Waiting> taken = new ArrayList<>();
        int rows = 0;
        for (Waiting next; (next = waiting.peek()) != null; ) {
            if (!taken.isEmpty() && rows + next.rows.size() > options.batchSize()) {
                break;
            }
            if (waiting.remove(next)) { // another worker may have taken it since the peek
                taken.add(next);
                rows += next.rows.size();
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        mostCallsCoalesced.accumulateAndGet(taken.size(), Math::max);
        try {
            EncodedDataset all = taken.get(0).rows;
            for (int i = 1; i < taken.size(); i++) {
                all = all.concat(taken.get(i).rows);
            }
            int[] indices = java.util.stream.IntStream.range(0, all.size()).toArray();
            float[][] logits = runOnWorker(Batch.of(all, indices, 0, tokenizer.padId()));
            int from = 0;
            for (Waiting call : taken) {
                call.logits.complete(java.util.Arrays.copyOfRange(logits, from, from + call.rows.size()));
                from += call.rows.size();
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(call -> call.logits.completeExceptionally(e));
        }
    }

    /** The most calls ever run together in one forward pass (for tests). */
    int mostCallsCoalesced() {
        return mostCallsCoalesced.get();
    }

    /** Tasks waiting for a worker (for tests). */
    int queuedTasks() {
        return workers.getQueue().size();
    }

    /** Puts a batch's rows back at their examples' places in {@code out}. */
    private static void place(float[][] out, int[] indices, float[][] rows) {
        for (int i = 0; i < indices.length; i++) {
            out[indices[i]] = rows[i];
        }
    }

    /**
     * Logits of one already-padded batch (for benchmarks), computed on a worker, or with ONNX Runtime on the calling
     * thread.
     */
    public float[][] logits(Batch batch) {
        return ort != null ? onCallerThread(batch) : await(submit(batch));
    }

    /** ONNX Runtime on this thread, holding one of the workers' permits (so at most as many runs as workers). */
    private float[][] onCallerThread(Batch batch) {
        checkOpen();
        try {
            sessionRuns.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model", e);
        }
        try {
            checkOpen(); // close() may have taken the other permits meanwhile and be waiting for none in flight
            return runSession(batch);
        } finally {
            sessionRuns.release();
        }
    }

    /** A worker's ONNX Runtime run, holding a permit like the callers' own runs. */
    private float[][] onWorker(Batch batch) throws InterruptedException {
        sessionRuns.acquire();
        try {
            return runSession(batch);
        } finally {
            sessionRuns.release();
        }
    }

    /** One session run; the caller holds a permit. */
    private float[][] runSession(Batch batch) {
        mostRunsInFlight.accumulateAndGet(runsInFlight.incrementAndGet(), Math::max);
        try {
            return ort.logits(batch);
        } finally {
            runsInFlight.decrementAndGet();
        }
    }

    /** The most ONNX Runtime runs that were ever in flight at once (for tests; 0 on kd4j's engine). */
    int mostRunsInFlight() {
        return mostRunsInFlight.get();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(source + ": the classifier is closed");
        }
    }

    private Future<float[][]> submit(Batch batch) {
        checkOpen();
        try {
            if (ort != null) {
                return workers.submit(() -> onWorker(batch));
            }
            return workers.submit(() -> runOnWorker(batch));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException(source + ": the classifier is closed", e);
        }
    }

    /** kd4j's engine on this worker thread's model. */
    private float[][] runOnWorker(Batch batch) {
        TextClassifier m = workerModel.get();
        return m.outputs(batch, ClassifierGraph.LOGITS).get(ClassifierGraph.LOGITS)
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
    }

    private static float[][] await(Future<float[][]> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            part.cancel(true);
            throw new IllegalStateException("interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the model failed", cause);
        }
    }

    /** A worker's model: the loaded one for the first worker, a replica sharing its weights for each other. */
    private TextClassifier nextWorkerModel() {
        synchronized (workerModels) {
            TextClassifier m = workerModels.isEmpty() ? model : model.replica().orElse(model);
            workerModels.add(m);
            return m;
        }
    }

    /** The name prefix of this classifier's worker threads (for tests). */
    String threadPrefix() {
        return threadPrefix;
    }

    private Prediction classification(float[] logits) {
        double[] p = org.kd4j.eval.Softmax.of(logits, 1.0, new double[logits.length]);
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < logits.length; c++) {
            probabilities.put(labels.get(c), p[c]);
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new Prediction(labels.get(best), best, probabilities, Double.NaN);
    }

    /**
     * Stops the workers after the batches already submitted, waits for them to end (interrupting them after
     * {@value #CLOSE_WAIT_SECONDS} s) and releases the models' inference sessions, ONNX Runtime's included. Idempotent.
     */
    @Override
    public void close() {
        boolean first = !closed;
        closed = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                if (!workers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("{}: a worker did not stop within {} s of being interrupted", source, CLOSE_WAIT_SECONDS);
                }
            }
            if (workers.isTerminated()) {
                joinWorkerThreads();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // calls whose tasks shutdownNow() dropped (after a worker hung): answer them rather than leave them waiting
        for (Waiting call; (call = waiting.poll()) != null; ) {
            call.logits.completeExceptionally(new IllegalStateException(source + ": the classifier was closed before the call ran"));
        }
        synchronized (workerModels) {
            for (TextClassifier m : workerModels) {
                m.release();
            }
            workerModels.clear();
        }
        model.release();
        if (ort != null && first && workers.isTerminated() && noRunInFlight()) {
            ort.close(); // no run is in flight: the workers have ended, and the callers' own runs too
        }
    }

    /**
     * Takes every session permit (waiting up to {@value #CLOSE_WAIT_SECONDS} s for the callers' runs in flight); false,
     * with a warning, when a run did not end in time (the session is then left open rather than closed under it).
     */
    private boolean noRunInFlight() {
        try {
            if (sessionRuns.tryAcquire(options.workers(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("{}: a caller's ONNX Runtime run did not end within {} s; its session is left open", source, CLOSE_WAIT_SECONDS);
        return false;
    }

    /**
     * A terminated pool has left its run loop, but its threads may not have ended yet: wait for them too. Called only
     * once the pool is terminated, so the calling thread is never one of them.
     */
    private void joinWorkerThreads() throws InterruptedException {
        List<Thread> threads;
        synchronized (workerThreads) {
            threads = List.copyOf(workerThreads);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
            if (t.isAlive()) {
                LOG.warn("{}: worker thread {} did not end within {} s", source, t.getName(), CLOSE_WAIT_SECONDS);
            }
        }
    }
}
