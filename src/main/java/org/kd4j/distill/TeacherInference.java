package org.kd4j.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.TeacherRuntime;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.export.ExportCheck;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.OrtStudent;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.ModelType;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.Parallelism;

/**
 * One teacher's logits (and pooled representations, {@link #features}) on data sets, on the runtime the run chose
 * ({@link TeacherRuntime}). On kd4j it is the teacher's
 * own {@link TeacherModel#logits}. On ONNX Runtime the teacher is written as a standard ONNX graph in memory
 * ({@link StudentOnnxWriter}, opset 17) when the first rows are to be scored, never before (a teacher whose logits are
 * all cached is not loaded); the first and the last batches (the shortest and the longest rows, {@value #CHECK_ROWS} or more, or all there
 * are; {@link #checked}) are scored by both runtimes and must agree within {@link ExportCheck#BAR} of the largest logit, or a {@link KdException} stops the run before any of
 * these logits is returned. The session then scores every batch, planned as kd4j plans them (sorted by length, cut every
 * {@code batchSize} rows), with as many intra-op threads as the run's workers times its threads per op ({@link #threads}).
 *
 * <p>Batches planned elsewhere (Spark's executors score the batches the driver planned) go through {@link #logits(List)},
 * which may be called from several threads at once: the session is opened and checked once, and ONNX Runtime's runs
 * are thread-safe. Holds the session until {@link #close}.
 */
public final class TeacherInference implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(TeacherInference.class);

    /** Rows scored by both runtimes before ONNX Runtime's logits are used. */
    static final int CHECK_ROWS = 64;

    private final String name;
    private final TeacherModel model;
    private final TeacherRuntime runtime;
    private final GlueTask task;
    private final int maxLength;
    private final Parallelism parallelism;
    private volatile OrtStudent session;
    /** Whether the session's pooled representations were checked against kd4j's (under this object's lock). */
    private boolean featuresChecked;

    private TeacherInference(String name, TeacherModel model, TeacherRuntime runtime, GlueTask task, int maxLength,
                             Parallelism parallelism) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = Objects.requireNonNull(model, "model");
        this.task = Objects.requireNonNull(task, "task");
        this.maxLength = maxLength;
        this.parallelism = Objects.requireNonNull(parallelism, "parallelism");
        this.runtime = onOrt(Objects.requireNonNull(runtime, "runtime"), model, name);
    }

    /**
     * The teacher {@code name}'s inference on {@code runtime}; nothing is loaded or written yet.
     *
     * @param maxLength the run's maximum tokens per example (written into the ONNX graph's metadata)
     */
    public static TeacherInference of(String name, TeacherModel model, TeacherRuntime runtime, GlueTask task, int maxLength,
                                      Parallelism parallelism) {
        return new TeacherInference(name, model, runtime, task, maxLength, parallelism);
    }

    /** ONNX Runtime only for teachers on kd4j's native graphs (an imported graph run as it is has no ONNX writer). */
    private static TeacherRuntime onOrt(TeacherRuntime wanted, TeacherModel model, String name) {
        if (wanted == TeacherRuntime.ONNX_RUNTIME && !(model instanceof NativeTeacherModel)) {
            LOG.warn("teacher {}: run.teacher_runtime is onnx_runtime, but {} is a graph imported as it is: scored by kd4j",
                    name, model.file());
            return TeacherRuntime.KD4J;
        }
        return wanted;
    }

    /** The runtime that scores this teacher (kd4j for a graph imported as it is, whatever the run asked). */
    public TeacherRuntime runtime() {
        return runtime;
    }

    /**
     * Its logits on every example of {@code data}, in data order, {@code [N][C]}.
     *
     * @throws KdException on ONNX Runtime, when the teacher cannot be written as ONNX or the first rows disagree
     */
    public float[][] logits(EncodedDataset data, int batchSize, int padId) {
        if (runtime == TeacherRuntime.KD4J) {
            return model.logits(data, batchSize, padId, parallelism);
        }
        if (data.size() == 0) {
            return new float[0][];
        }
        List<int[]> order = order(data, batchSize);
        return inDataOrder(order, logits(batches(data, order, padId)), data.size());
    }

    /** The rows of each batch of {@code order} ({@code scored}, in batch order) put back in data order. */
    private static float[][] inDataOrder(List<int[]> order, List<float[][]> scored, int size) {
        float[][] out = new float[size][];
        for (int b = 0; b < scored.size(); b++) {
            float[][] rows = scored.get(b);
            int[] indices = order.get(b);
            for (int i = 0; i < indices.length; i++) {
                out[indices[i]] = rows[i];
            }
        }
        return out;
    }

    /**
     * The logits of each of {@code batches}, planned by the caller, in order: on kd4j the teacher's own
     * {@link TextClassifier#logits(Batch, Parallelism)}; on ONNX Runtime the session's, opened and checked against kd4j on
     * these batches' first and last rows (as {@link #logits(EncodedDataset, int, int)} does on a data set's) if no call
     * opened it yet. Safe to call from several threads.
     *
     * @throws KdException on ONNX Runtime, when the teacher cannot be written as ONNX or the first rows disagree
     * @throws IllegalStateException on kd4j, for a graph imported as it is (it scores data sets only)
     */
    public List<float[][]> logits(List<Batch> batches) {
        List<float[][]> out = new ArrayList<>(batches.size());
        if (runtime == TeacherRuntime.KD4J) {
            if (!(model instanceof NativeTeacherModel nativeModel)) {
                throw new IllegalStateException("teacher " + name + " (" + model.file() + "): a graph imported as it is scores"
                        + " data sets, not planned batches");
            }
            for (Batch batch : batches) {
                out.add(nativeModel.model().logits(batch, parallelism));
            }
            return out;
        }
        if (batches.isEmpty()) {
            return out;
        }
        OrtStudent ort = session(batches);
        for (Batch batch : batches) {
            out.add(ort.logits(batch));
        }
        return out;
    }

    /**
     * Its pooled representations ({@link org.kd4j.model.ClassifierGraph#FEATURES}, what the hidden loss matches) of every
     * example of {@code data}, in data order, {@code [N][width]}: on kd4j the teacher's own
     * {@link TeacherModel#features}; on ONNX Runtime the session's second output, checked against kd4j's on the first
     * and last batches (as the logits are) the first time they are asked for, batches planned as kd4j plans them.
     *
     * @throws KdException when the teacher has no pooled representation, or on ONNX Runtime when they disagree
     */
    public float[][] features(EncodedDataset data, int batchSize, int padId) {
        if (runtime == TeacherRuntime.KD4J) {
            return model.features(data, batchSize, padId, parallelism);
        }
        if (data.size() == 0) {
            return new float[0][];
        }
        List<int[]> order = order(data, batchSize);
        List<Batch> batches = batches(data, order, padId);
        OrtStudent ort = featuresSession(batches);
        return inDataOrder(order, batches.stream().map(ort::features).toList(), data.size());
    }

    /**
     * Its logits and pooled representations of every example of {@code data} from one pass over it, in data order, as
     * {@link #logits(EncodedDataset, int, int)} and {@link #features} give them (on ONNX Runtime both checked against
     * kd4j first, each once): the pooled representation is on the way to the logits, so asking for both costs about one
     * pass, not two.
     *
     * @throws KdException when the teacher has no pooled representation, or on ONNX Runtime when either disagrees
     */
    public TextClassifier.Scores logitsAndFeatures(EncodedDataset data, int batchSize, int padId) {
        if (runtime == TeacherRuntime.KD4J) {
            return model.logitsAndFeatures(data, batchSize, padId, parallelism);
        }
        if (data.size() == 0) {
            return new TextClassifier.Scores(new float[0][], new float[0][]);
        }
        List<int[]> order = order(data, batchSize);
        List<Batch> batches = batches(data, order, padId);
        OrtStudent ort = featuresSession(batches);
        List<TextClassifier.Scores> scored = batches.stream().map(ort::logitsAndFeatures).toList();
        return new TextClassifier.Scores(
                inDataOrder(order, scored.stream().map(TextClassifier.Scores::logits).toList(), data.size()),
                inDataOrder(order, scored.stream().map(TextClassifier.Scores::features).toList(), data.size()));
    }

    /** The session, its pooled representations checked against kd4j's on the first of {@code batches} once. */
    private synchronized OrtStudent featuresSession(List<Batch> batches) {
        OrtStudent ort = session(batches);
        if (featuresChecked) {
            return ort;
        }
        TextClassifier teacher = ((NativeTeacherModel) model).model();
        ExportCheck check;
        try {
            check = ExportCheck.compare(checked(batches), batch -> teacher.outputs(batch, ClassifierGraph.FEATURES)
                    .get(ClassifierGraph.FEATURES).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix(), ort::features);
        } finally {
            teacher.releaseInferenceMemory();
        }
        if (!check.passes()) {
            throw new KdException("teacher " + name + " (" + model.file() + "): ONNX Runtime's pooled representations differ"
                    + " from kd4j's on the first " + check.examples() + " rows: " + check.describe("value") + ", expected a relative"
                    + " difference of at most " + ExportCheck.BAR + "; set run.teacher_runtime: kd4j to compute them on kd4j");
        }
        LOG.info("teacher {}: pooled representations by {}, checked against kd4j on {} rows: {}", name, ort.runtime(),
                check.examples(), check.describe("value"));
        featuresChecked = true;
        return ort;
    }

    /**
     * On ONNX Runtime, opens the session and checks it on {@code data}'s first batches now, if no call did yet (so that a
     * timed pass that follows times the scoring alone); nothing on kd4j.
     */
    public void prepare(EncodedDataset data, int batchSize, int padId) {
        if (runtime == TeacherRuntime.ONNX_RUNTIME && session == null && data.size() > 0) {
            session(batches(data, order(data, batchSize), padId));
        }
    }

    /** kd4j's evaluation order: sorted by length, cut every {@code batchSize} rows. */
    private static List<int[]> order(EncodedDataset data, int batchSize) {
        return new BatchPlanner(batchSize, true, 1, 0).evaluationOrder(data.lengths());
    }

    private static List<Batch> batches(EncodedDataset data, List<int[]> order, int padId) {
        List<Batch> batches = new ArrayList<>(order.size());
        for (int[] indices : order) {
            batches.add(Batch.of(data, indices, 0, padId));
        }
        return batches;
    }

    /** The session, opened and checked against kd4j on the first of {@code batches} when this is the first call. */
    private synchronized OrtStudent session(List<Batch> batches) {
        if (session != null) {
            return session;
        }
        TextClassifier teacher = ((NativeTeacherModel) model).model();
        if (teacher.config().type() == ModelType.IMPORTED) {
            throw new KdException("teacher " + name + " (" + model.file() + "): run.teacher_runtime onnx_runtime needs a teacher"
                    + " on kd4j's native graphs, found a graph imported as it is; set run.teacher_runtime: kd4j");
        }
        long start = System.nanoTime();
        // with the pooled representation as a second output, computed only when asked for (the hidden loss's targets)
        byte[] onnx = StudentOnnxWriter.withFeatures(teacher, new ExportMetadata(task, task.labels(), maxLength), OnnxOpset.V17)
                .toByteArray();
        int threads = threads(parallelism);
        OrtStudent opened = new OrtStudent(onnx, "teacher " + name + " (" + model.file() + ") as ONNX", threads);
        try {
            ExportCheck check;
            try {
                check = ExportCheck.compare(checked(batches), teacher::logits, opened::logits);
            } finally {
                teacher.releaseInferenceMemory();
            }
            verified(name, model.file().toString(), check);
            LOG.info("teacher {}: scored by {} ({} MB as ONNX, {} intra-op thread(s), opened in {} s); checked against kd4j on"
                            + " {} rows: {}", name, opened.runtime(), onnx.length >> 20, threads,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), check.examples(), check.describe());
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        session = opened;
        return session;
    }

    /**
     * The batches both runtimes score before ONNX Runtime's logits are used: the first ones (the shortest rows) up to
     * half of {@value #CHECK_ROWS} rows, and then the longest ones, from the end, up to {@value #CHECK_ROWS} in all.
     */
    static List<Batch> checked(List<Batch> batches) {
        List<Batch> head = new ArrayList<>();
        int rows = 0;
        int next = 0;
        while (next < batches.size() && rows < CHECK_ROWS / 2) {
            head.add(batches.get(next));
            rows += batches.get(next++).size();
        }
        List<Batch> tail = new ArrayList<>();
        for (int last = batches.size() - 1; last >= next && rows < CHECK_ROWS; last--) {
            tail.add(0, batches.get(last));
            rows += batches.get(last).size();
        }
        head.addAll(tail);
        return head;
    }

    /** ONNX Runtime's intra-op threads: the run's workers times its threads per op (0 per op: one per core). */
    public static int threads(Parallelism parallelism) {
        int perOp = parallelism.threadsPerOp() > 0 ? parallelism.threadsPerOp() : Runtime.getRuntime().availableProcessors();
        return Math.max(1, parallelism.workers() * perOp);
    }

    /**
     * @throws KdException naming the teacher, its file and both figures when {@code check} does not pass
     */
    static void verified(String name, String file, ExportCheck check) {
        if (!check.passes()) {
            throw new KdException("teacher " + name + " (" + file + "): ONNX Runtime's logits differ from kd4j's on the first "
                    + check.examples() + " rows: " + check.describe() + ", expected a relative difference of at most "
                    + ExportCheck.BAR + "; set run.teacher_runtime: kd4j to score it on kd4j");
        }
    }

    /** The runtime's name for reports: {@code kd4j}, or e.g. {@code ONNX Runtime 1.29.0} once a session is open. */
    public String runtimeName() {
        return session != null ? session.runtime() : runtime == TeacherRuntime.KD4J ? "kd4j" : "ONNX Runtime";
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
