package org.kd4j.distill;

import org.kd4j.config.StudentVariant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.tokenize.TokenizerFiles;
import org.kd4j.distill.loss.EnsembleTargets;
import org.kd4j.distill.loss.LayerLoss;
import org.kd4j.distill.train.Progress;
import org.kd4j.distill.train.Trainer;
import org.kd4j.distill.train.TrainingCurve;
import org.kd4j.eval.Evaluation;
import org.kd4j.eval.MarkdownTable;
import org.kd4j.eval.Metric;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.LibraryVersions;
import org.kd4j.run.RunDirectory;
import org.kd4j.run.RunMetrics;
import org.kd4j.run.RunProvenance;
import org.kd4j.util.Hashing;
import org.kd4j.util.NativeBuild;
import org.kd4j.util.Parallelism;

/**
 * The main job: teachers (trained once, cached) score the data; their ensemble is evaluated; the student is trained
 * three ways (cross-entropy only, distilled from the best teacher, distilled from the ensemble); a comparison table
 * on the dev set is printed and the ensemble-distilled student is written as a run directory.
 *
 * <p>Everything the run needs comes in through its config and arguments: its {@code run.parallelism} (workers and
 * micro-batches of every model it trains or scores) and its progress display are its own, so runs in one JVM at the same
 * time do not touch each other. The threads per op are one ND4J setting for the whole process: the entry point applies
 * them ({@link org.kd4j.util.Nd4jProcess}), the run only records its config's value.
 */
public final class DistillationRun {

    private static final Logger LOG = LogManager.getLogger(DistillationRun.class);

    private final ExperimentConfig config;
    private final String command;
    private final boolean resume;
    private final Progress progress;
    /** The students' initial embedding tables when projected from an encoder: computed once, copied into each student. */
    private Map<String, org.nd4j.linalg.api.ndarray.INDArray> projectedEmbeddings;
    private StudentEmbeddings.Projection projection;
    private org.kd4j.model.EncoderSource.Files projectionSource;

    public DistillationRun(ExperimentConfig config, String command, boolean resume, Progress progress) {
        this.config = config;
        this.command = command;
        this.resume = resume;
        this.progress = progress;
    }

    /**
     * The finished run: the comparison rows, where it was written, and the training curve of each student trained, in
     * the order they were trained.
     */
    public record Result(List<ResultRow> rows, RunDirectory directory, String title, String summary, List<TrainingCurve> curves) {

        public Result {
            rows = List.copyOf(rows);
            curves = List.copyOf(curves);
        }

        /** A result without training curves (one read back, or made for a test). */
        public Result(List<ResultRow> rows, RunDirectory directory, String title, String summary) {
            this(rows, directory, title, summary, List.of());
        }

        public String table() {
            List<Metric> metrics = Metric.forTask(rows.get(0).dev().task());
            List<String> header = new ArrayList<>(List.of("model", "params"));
            metrics.forEach(m -> header.add("dev " + m.key()));
            header.addAll(List.of("dev loss", "eval s", "eval samples/s", "dev samples", "train s"));
            MarkdownTable table = new MarkdownTable(header.toArray(new String[0]));
            for (ResultRow r : rows) {
                List<Object> cells = new ArrayList<>(List.of(r.name(),
                        r.parameters() == 0 ? "-" : String.format(Locale.ROOT, "%,d", r.parameters())));
                metrics.forEach(m -> cells.add(String.format(Locale.ROOT, "%.4f", r.dev().metrics().get(m))));
                cells.add(String.format(Locale.ROOT, "%.4f", r.devLoss()));
                cells.add(r.evalSeconds() <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.evalSeconds()));
                cells.add(r.evalSeconds() <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.evalExamplesPerSecond()));
                cells.add(r.dev().examples());
                cells.add(r.trainSeconds() <= 0 ? (r.cached() ? "cached" : "-")
                        : String.format(Locale.ROOT, r.cached() ? "%.1f (cached)" : "%.1f", r.trainSeconds()));
                table.row(cells.toArray());
            }
            return "### " + title + "\n\n" + table + (summary.isEmpty() ? "" : "\n" + summary + "\n");
        }
    }

    public Result run() {
        // everything that can fail on bad input happens before the run directory is touched
        TaskData data = new TaskData(config.task(), config.data());
        BertTokenizer tokenizer = BertTokenizer.load(config.tokenizer().vocab());
        for (var t : config.teachers()) {
            if (!t.vocab().isEmpty()) {
                BertTokenizer.load(t.vocab());
            }
        }
        EncodedDataset train = data.train(tokenizer);
        EncodedDataset studentTrain = data.studentTrain(tokenizer);
        EncodedDataset dev = data.dev(tokenizer);
        // an imported student is built (and checked against the tokenizer) before the run directory is touched
        TextClassifier pending = config.student().imported() ? newStudent(tokenizer, data) : null;
        checkHiddenLoss(pending);
        checkLayerLoss(pending);
        // co-finetuned teachers: their encoders are loaded and checked to share one head before anything is written
        TeacherPool pool = new TeacherPool(config, data, progress);
        pool.prepare();

        RunDirectory run = new RunDirectory(Path.of(config.run().dir()));
        Path work = run.file(RunDirectory.WORK);
        boolean resumable = resume && resumable(work);
        run.markUnfinished();
        if (!resumable) {
            clear(work);
            run.writeText(RunDirectory.WORK + "/" + WORK_CONFIG, trainingConfig());
        }

        List<Teacher> teachers = pool.teachers();
        List<ResultRow> rows = new ArrayList<>();
        for (Teacher t : teachers) {
            String kind = t.config().external() ? "imported"
                    : t.config().model().type().name().toLowerCase(Locale.ROOT);
            rows.add(new ResultRow("teacher " + t.name() + " (" + kind + ")", t.parameters(), t.dev(), Evaluation.loss(data.task(), t.devLogits(), dev.labels(), dev.scores()),
                    t.evalSeconds(), t.trainSeconds(), t.cached()));
        }
        ResultRow ensembleRow = null;
        if (!teachers.isEmpty()) {
            float[][] ensemble = ensembleDev(teachers);
            // the ensemble runs its teachers one after another: its size and dev time are theirs summed
            ensembleRow = new ResultRow("ensemble of " + teachers.size() + " teachers (" + config.distill().weighting()
                    .name().toLowerCase(Locale.ROOT) + ")", teachers.stream().mapToLong(Teacher::parameters).sum(),
                    Evaluation.of(data.task(), ensemble, dev.labels(), dev.scores()),
                    data.task().isRegression() ? Evaluation.loss(data.task(), ensemble, dev.labels(), dev.scores())
                            : crossEntropyOfProbabilities(ensemble, dev.labels()),
                    teachers.stream().mapToDouble(Teacher::evalSeconds).sum(), 0);
            rows.add(ensembleRow);
        }

        TextClassifier layerTeacher = layerTeacher(teachers, tokenizer, pool);
        Map<StudentVariant, TextClassifier> students = new EnumMap<>(StudentVariant.class);
        List<TrainingCurve> curves = new ArrayList<>();
        Parallelism parallelism = config.run().parallelism();
        for (StudentVariant variant : StudentVariant.values()) {
            if (!config.run().students().contains(variant)) {
                continue;
            }
            float[][][] features = !config.distill().hidden() ? null : switch (variant) {
                case CROSS_ENTROPY -> null;
                case BEST_TEACHER -> teachers.isEmpty() ? null : new float[][][] {best(teachers).trainFeatures()};
                case ENSEMBLE -> teachers.stream().map(Teacher::trainFeatures).toArray(float[][][]::new);
            };
            float[][][] targets = switch (variant) {
                case CROSS_ENTROPY -> null;
                case BEST_TEACHER -> teachers.isEmpty() ? null : new float[][][] {best(teachers).trainLogits()};
                case ENSEMBLE -> teachers.isEmpty() ? null
                        : teachers.stream().map(Teacher::trainLogits).toArray(float[][][]::new);
            };
            if (variant != StudentVariant.CROSS_ENTROPY && targets == null) {
                continue;
            }
            TextClassifier student = pending != null ? pending : newStudent(tokenizer, data);
            pending = null;
            String trainerName = trainerName(variant, teachers.stream().map(Teacher::name).toList());
            Trainer.TrainResult result = Trainer.builder(trainerName, student, targets == null ? train : studentTrain, dev)
                    .teachers(targets, variant == StudentVariant.BEST_TEACHER ? singleTeacher(teachers) : config.distill())
                    .teacherFeatures(features).layerTeacher(layerTeacher)
                    .training(config.student().train()).dropout(config.student().dropout()).data(config.data())
                    .padId(tokenizer.padId())
                    .workDir(work.resolve(variant.folder())).parallelism(parallelism).progress(progress)
                    .build().fit(resume);
            curves.add(result.curve());
            long start = System.nanoTime();
            float[][] logits = student.logits(dev, Math.max(64, config.data().batchSize()), tokenizer.padId(), parallelism);
            double evalSeconds = (System.nanoTime() - start) / 1e9;
            rows.add(new ResultRow(variant.label() + (variant == StudentVariant.BEST_TEACHER ? " (" + best(teachers).name() + ")" : ""),
                    Runs.parameterCount(student), Evaluation.of(data.task(), logits, dev.labels(), dev.scores()),
                    Evaluation.loss(data.task(), logits, dev.labels(), dev.scores()), evalSeconds, result.seconds(), false,
                    result.phases().secondsByKey()));
            students.put(variant, student);
            org.kd4j.util.NativeGarbage.collect(variant.label());
        }
        if (students.isEmpty()) {
            throw new KdException("run.students " + config.run().students() + ": none of them can be trained"
                    + " (the distilled variants need at least one teacher)");
        }
        TextClassifier finalStudent = students.get(students.keySet().stream().reduce((a, b) -> b).orElseThrow());
        String title = String.format(Locale.ROOT, "%s dev (%,d examples); trained on %s of %,d training examples%s, "
                        + "student %s, %d epoch(s)", data.task(), data.devSize(),
                config.data().trainLimit() == 0 ? "all" : String.format(Locale.ROOT, "a seeded subset of %,d", data.trainSize()),
                data.fullTrainSize(), data.hasTransfer() ? String.format(Locale.ROOT, " (+ %,d unlabeled transfer examples "
                        + "for distilled students)", data.transferSize()) : "", describe(config), config.student().train().epochs())
                + (data.hasUnlabeled() ? String.format(Locale.ROOT, "; distilled students also see %,d further training rows"
                        + " without their labels, labeled by the teachers", data.unlabeledSize()) : "")
                + (config.run().teacherRuntime() == org.kd4j.config.TeacherRuntime.ONNX_RUNTIME
                ? "; native teachers score (and their eval columns are timed) on ONNX Runtime (run.teacher_runtime)" : "");
        Result result = new Result(rows, run, title, summary(rows, ensembleRow, teachers, data), curves);
        write(run, finalStudent, tokenizer, data, teachers, result);
        return result;
    }

    /**
     * A fresh student: native of the configured shape, or initialised from the encoder {@code student.init}: on kd4j's
     * own transformer when the export is a BERT layout, else on the generic SameDiff import.
     */
    private TextClassifier newStudent(BertTokenizer tokenizer, TaskData data) {
        var s = config.student();
        if (!s.imported()) {
            TextClassifier student = TextClassifier.create(s.model(), tokenizer.vocabSize(), data.task().numOutputs(), s.train().seed());
            if (!s.embeddings().isEmpty() && projectedEmbeddings != null) {
                projectedEmbeddings.forEach((name, table) -> student.embeddings().parameters().get(name).assign(table));
            } else if (!s.embeddings().isEmpty()) {
                String key = "student.embeddings";
                org.kd4j.model.EncoderSource.Files files = org.kd4j.model.EncoderSource.parse(key, s.embeddings())
                        .resolve(key, Path.of(config.run().cacheDir()));
                projection = StudentEmbeddings.initialise(key, student, files, tokenizer, config.tokenizer().vocab(),
                        s.embeddingsFrom());
                projectionSource = files;
                projectedEmbeddings = new LinkedHashMap<>();
                student.embeddings().parameters().forEach((name, table) -> projectedEmbeddings.put(name, table.dup()));
            }
            return student;
        }
        String key = "student.init";
        org.kd4j.model.EncoderSource.Files files = org.kd4j.model.EncoderSource.parse(key, s.init())
                .resolve(key, Path.of(config.run().cacheDir()));
        try {
            return PretrainedEncoders.initialise(key, files, tokenizer, config.tokenizer().vocab(), config.data().maxLength(),
                    data.task().numOutputs(), null, s.train().seed(), s.initLayers());
        } catch (KdException e) {
            if (!(e.getCause() instanceof org.kd4j.model.UnrecognizedEncoderException)) {
                throw e;
            }
            if (s.initLayers() > 0) {
                throw new KdException("student.init_layers " + s.initLayers() + ": " + s.init() + " is not a BERT layout kd4j's"
                        + " transformer holds (" + e.getCause().getMessage() + "), and the generic SameDiff import keeps every"
                        + " layer; set student.init_layers: 0", e);
            }
            LOG.info("student.init: {}; using the generic SameDiff import", e.getCause().getMessage());
        }
        TextClassifier student = org.kd4j.model.ModelImport.require(key).importedStudent(files.onnx(), data.task().numOutputs(), s.train().seed());
        int rows = student.embeddings().vocabSize();
        if (rows != tokenizer.vocabSize()) {
            throw new KdException("student.init " + s.init() + ": the encoder's word table has " + rows + " rows but tokenizer.vocab "
                    + config.tokenizer().vocab() + " has " + tokenizer.vocabSize() + " tokens; use the encoder's own tokenizer");
        }
        org.nd4j.linalg.api.ndarray.INDArray positions = student.embeddings().parameters().get(org.kd4j.model.EmbeddingLayer.POSITIONS);
        if (positions != null && positions.size(0) < config.data().maxLength()) {
            throw new KdException("data.max_length " + config.data().maxLength() + " exceeds the " + positions.size(0)
                    + " positions of the student encoder " + s.init());
        }
        return student;
    }

    /**
     * The line under the table: the ensemble-distilled student's speed-up over the ensemble on the dev set, the fraction
     * of the ensemble's main metric it keeps, and how much smaller it is than the mean teacher.
     */
    private static String summary(List<ResultRow> rows, ResultRow ensemble, List<Teacher> teachers, TaskData data) {
        ResultRow student = rows.stream().filter(r -> r.name().startsWith(StudentVariant.ENSEMBLE.label())).findFirst()
                .orElse(null);
        if (student == null || ensemble == null || student.evalSeconds() <= 0 || ensemble.evalSeconds() <= 0) {
            return "";
        }
        double meanTeacher = teachers.stream().mapToLong(Teacher::parameters).average().orElse(0);
        String metric = Metric.mainFor(data.task()).key();
        return String.format(Locale.ROOT, "The ensemble-distilled student runs %.1fx faster than the ensemble on %s dev"
                        + " (%.1f against %.1f examples/s, measured in this run), keeps %.1f%% of its %s (%.4f of %.4f)"
                        + " and has %.1fx fewer parameters than the mean teacher (%,d against %,.0f).",
                student.evalExamplesPerSecond() / ensemble.evalExamplesPerSecond(), data.task(),
                student.evalExamplesPerSecond(), ensemble.evalExamplesPerSecond(),
                100 * student.dev().main() / ensemble.dev().main(), metric, student.dev().main(), ensemble.dev().main(),
                meanTeacher / student.parameters(), student.parameters(), meanTeacher);
    }

    private static String describe(ExperimentConfig c) {
        if (c.student().imported()) {
            return (c.student().initLayers() > 0 ? "the first " + c.student().initLayers() + " layer(s) of " : "imported from ")
                    + Path.of(c.student().init()).getFileName();
        }
        var m = c.student().model();
        String embeddings = c.student().embeddings().isEmpty() ? "" : ", embeddings projected from "
                + c.student().embeddings().replaceFirst(".*:([^:]+):[^:]+$", "$1").replaceFirst("^langchain4j-embeddings-", "");
        if (m instanceof org.kd4j.model.CnnConfig cnn) {
            return String.format(Locale.ROOT, "cnn %d-wide embeddings, %d filters of widths 3/4/5%s", cnn.hidden(), cnn.filters(),
                    embeddings);
        } else if (m instanceof org.kd4j.model.BiLstmConfig b) {
            return String.format(Locale.ROOT, "bilstm %d-wide embeddings, %d units per direction%s%s%s", b.hidden(), b.units(),
                    b.depthNote(), b.headUnits() == 0 ? "" : ", a ReLU layer of " + b.headUnits() + " before the classifier",
                    embeddings);
        }
        var f = m.flat();
        return String.format(Locale.ROOT, "%s %dL/%dH/%dA/FFN%d%s", m.type().name().toLowerCase(Locale.ROOT), f.layers(),
                f.hidden(), f.heads(), f.ffn(), embeddings);
    }

    /** The best-teacher student uses the run's objective with that teacher alone (uniform weight 1). */
    private org.kd4j.config.DistillConfig singleTeacher(List<Teacher> teachers) {
        var d = config.distill();
        List<Integer> dims = d.hiddenDims().isEmpty() ? List.of() : List.of(d.hiddenDims().get(teachers.indexOf(best(teachers))));
        return new org.kd4j.config.DistillConfig(d.temperature(), d.temperatureEnd(), d.hardWeight(), d.softWeight(),
                org.kd4j.config.WeightingScheme.UNIFORM, List.of(), d.softLoss(), d.averageLogits(), d.hardDistillation(),
                d.hiddenWeight(), dims, d.layers());
    }

    /**
     * With {@code distill.layers} on, what can be known from the config before the run directory is touched: a
     * transformer student whose layers the map names, and a teacher that is a transformer on kd4j's graph (or may become
     * one), shares the student's tokenizer and has the layers the map names (when its shape is in the config).
     */
    private void checkLayerLoss(TextClassifier importedStudent) {
        var layers = config.distill().layers();
        if (!layers.on()) {
            return;
        }
        org.kd4j.model.ModelConfig studentShape = importedStudent != null ? importedStudent.config() : config.student().model();
        if (!(studentShape instanceof org.kd4j.model.TransformerConfig s)) {
            throw new KdException("distill.layers.teacher = " + layers.teacher() + ": intermediate-layer distillation needs a"
                    + " transformer student on kd4j's own graph; the student is " + (importedStudent != null
                    ? "student.init " + config.student().init() + " on the generic SameDiff import"
                    : "student.model.type = " + studentShape.type().name().toLowerCase(Locale.ROOT)));
        }
        var t = config.teachers().stream().filter(x -> x.name().equals(layers.teacher())).findFirst().orElseThrow();
        String key = "teachers[" + t.name() + "]";
        if (t.external()) {
            String file = Path.of(t.imported()).getFileName().toString();
            if (!file.endsWith(".onnx") && !file.endsWith(".kdm")) {
                throw new KdException(key + ".imported = " + t.imported() + ": distill.layers needs the teacher's layers on"
                        + " kd4j's transformer, which a graph imported as it is has not; expected an ONNX BERT-layout classifier"
                        + " (.onnx) or a kd4j model (.kdm)");
            }
        } else if (!t.pretrained() && !(t.model() instanceof org.kd4j.model.TransformerConfig)) {
            throw new KdException("distill.layers.teacher = " + t.name() + ": a " + t.model().type().name().toLowerCase(Locale.ROOT)
                    + " teacher has no transformer layers; expected a transformer teacher");
        }
        if (!t.external() && !t.pretrained() && !t.vocab().isEmpty() && !t.vocab().equals(config.tokenizer().vocab())) {
            throw new KdException(key + ".vocab = " + t.vocab() + ": distill.layers compares token by token and needs the"
                    + " student's tokenizer (" + config.tokenizer().vocab() + ")");
        }
        org.kd4j.model.TransformerConfig teacherShape = !t.external() && !t.pretrained()
                ? (org.kd4j.model.TransformerConfig) t.model() : null;
        LayerLoss.Shape student = new LayerLoss.Shape(s.hidden(), s.heads(), s.layers());
        LayerLoss.Shape teacher = teacherShape == null ? new LayerLoss.Shape(1, 1, Integer.MAX_VALUE)
                : new LayerLoss.Shape(teacherShape.hidden(), teacherShape.heads(), teacherShape.layers());
        try {
            LayerLoss.check(layers.map(), student, teacher, t.name());
        } catch (IllegalArgumentException e) {
            throw new KdException(e.getMessage(), e);
        }
    }

    /**
     * The teacher {@code distill.layers} names, on kd4j's transformer, checked to share the student's tokenizer; null
     * when that section is off.
     */
    private TextClassifier layerTeacher(List<Teacher> teachers, BertTokenizer tokenizer, TeacherPool pool) {
        var layers = config.distill().layers();
        if (!layers.on()) {
            return null;
        }
        Teacher t = teachers.stream().filter(x -> x.name().equals(layers.teacher())).findFirst().orElseThrow();
        if (!t.tokenizer().fingerprint().equals(tokenizer.fingerprint())) {
            throw new KdException("distill.layers.teacher = " + t.name() + ": its tokenizer differs from the student's ("
                    + config.tokenizer().vocab() + "); intermediate layers are compared token by token and need the same one");
        }
        String file = t.modelFile().getFileName().toString();
        if (!file.endsWith(".kdm")) {
            throw new KdException("distill.layers.teacher = " + t.name() + ": " + t.modelFile() + " is a graph imported as it"
                    + " is; intermediate-layer distillation needs a teacher on kd4j's transformer");
        }
        // the pool's own model (trained or loaded there): read from its file only if the pool has none
        return pool.layerTeacher().orElseGet(() -> TextClassifier.load(t.modelFile()));
    }

    /**
     * With {@code distill.hidden_weight > 0}, what can be known from the config (and an imported student, built by now)
     * before the run directory is touched: the student has a pooled representation, no teacher is a graph imported as it
     * is ({@code .sdz}), and {@code distill.hidden_dims} matches every teacher whose shape the config gives. Teachers
     * whose width shows only once built (fine-tuned encoders, imported ONNX files) are checked when the pool has them,
     * still before any student is trained.
     */
    private void checkHiddenLoss(TextClassifier importedStudent) {
        var d = config.distill();
        if (!d.hidden()) {
            return;
        }
        if (importedStudent != null && !importedStudent.graph().hasFeatures()) {
            throw new KdException("distill.hidden_weight = " + d.hiddenWeight() + " needs the student's pooled representation;"
                    + " student.init " + config.student().init() + " runs on the generic SameDiff import, which has none;"
                    + " expected a BERT-layout encoder (kd4j's transformer), a native student, or hidden_weight 0");
        }
        for (int i = 0; i < config.teachers().size(); i++) {
            var t = config.teachers().get(i);
            if (t.external()) {
                String file = Path.of(t.imported()).getFileName().toString();
                if (!file.endsWith(".onnx") && !file.endsWith(".kdm")) {
                    throw new KdException("teachers[" + t.name() + "].imported = " + t.imported() + ": distill.hidden_weight = "
                            + d.hiddenWeight() + " needs the teacher's pooled representation, which a graph imported as it is"
                            + " has not; expected an ONNX BERT-layout classifier (.onnx) or a kd4j model (.kdm), or hidden_weight 0");
                }
                continue;
            }
            if (t.pretrained() || d.hiddenDims().isEmpty()) {
                continue;
            }
            java.util.OptionalInt width = org.kd4j.model.ClassifierGraphs.featureWidth(t.model());
            if (width.isPresent() && width.getAsInt() != d.hiddenDims().get(i)) {
                throw new KdException("distill.hidden_dims[" + i + "] = " + d.hiddenDims().get(i) + " does not match teacher "
                        + t.name() + ", whose pooled representation is " + width.getAsInt() + " wide (" + t.model().type()
                        .name().toLowerCase(Locale.ROOT) + ", hidden " + t.model().hidden() + ")");
            }
        }
    }

    /**
     * The name a student's training logs and plots under: its variant's label, except that a run with one teacher
     * names it, since "distilled from ensemble" would be wrong there (the quality benchmark's single-teacher cells run
     * the ensemble variant over one teacher). The results table keeps the variant's label, which the readers of
     * {@code metrics.json} look for.
     */
    static String trainerName(StudentVariant variant, List<String> teacherNames) {
        return variant == StudentVariant.ENSEMBLE && teacherNames.size() == 1
                ? "student, distilled from " + teacherNames.get(0) + " (the only teacher)"
                : variant.label();
    }

    private static Teacher best(List<Teacher> teachers) {
        return teachers.stream().max(Comparator.comparingDouble(t -> t.dev().main())).orElseThrow();
    }

    /** The ensemble's dev prediction at T = 1: probabilities (classification) or mean score (regression). */
    private float[][] ensembleDev(List<Teacher> teachers) {
        float[][][] logits = teachers.stream().map(Teacher::devLogits).toArray(float[][][]::new);
        return EnsembleTargets.Combination.of(config.distill()).predict(logits, config.task().isRegression());
    }

    private static double crossEntropyOfProbabilities(float[][] probabilities, int[] gold) {
        double sum = 0;
        for (int i = 0; i < gold.length; i++) {
            sum -= Math.log(Math.max(1e-12, probabilities[i][gold[i]]));
        }
        return sum / gold.length;
    }

    private void write(RunDirectory run, TextClassifier student, BertTokenizer tokenizer, TaskData data, List<Teacher> teachers, Result result) {
        if (config.run().saveModel()) {
            student.save(run.file(RunDirectory.MODEL));
            student.exportSameDiff(run.file(RunDirectory.SAMEDIFF));
            TokenizerFiles.export(config.tokenizer().vocab(), run.file(RunDirectory.TOKENIZER));
        }
        run.writeLabels(data.task(), config.data().maxLength());
        run.writeText(RunDirectory.CONFIG, ConfigLoader.toYaml(config));
        run.writeProvenance(provenance(tokenizer, data, teachers));
        String figure = CurveFigure.write(data.task().displayName() + ": the students' training curves", result.curves(),
                run.file(RunDirectory.CURVES));
        run.writeText(RunDirectory.REPORT, result.table() + "\n" + (figure.isEmpty() ? "" : "\n" + figure));
        List<RunMetrics.Row> rows = new ArrayList<>();
        for (ResultRow r : result.rows()) {
            rows.add(new RunMetrics.Row(r.name(), r.parameters(), r.dev().metrics(), r.devLoss(), r.dev().examples(),
                    r.evalSeconds(), r.evalExamplesPerSecond(), r.trainSeconds(), r.trainPhaseSeconds()));
        }
        run.writeMetrics(new RunMetrics(data.task().displayName(), result.title(), rows));
        run.markFinished();
        LOG.info("run written to {}", run.dir());
    }

    /** The run's provenance: command, library versions (from the build), seeds, data and teacher hashes. */
    private RunProvenance provenance(BertTokenizer tokenizer, TaskData data, List<Teacher> teachers) {
        LibraryVersions versions = LibraryVersions.current();
        RunProvenance.DataFile transfer = data.hasTransfer() ? new RunProvenance.DataFile(data.transferFile().toString(),
                Hashing.fileHex("transfer data", data.transferFile()), null, data.transferSize()) : null;
        RunProvenance.StudentEmbeddings embeddings = projection == null ? null : new RunProvenance.StudentEmbeddings(
                projectionSource.description(), projectionSource.sha256(), projection.from().name().toLowerCase(Locale.ROOT),
                projection.encoderWidth(), projection.studentWidth(), projection.varianceKept());
        RunProvenance.DataFile unlabeled = data.hasUnlabeled() ? new RunProvenance.DataFile(data.trainFile().toString(), null,
                data.unlabeledVariant(), data.unlabeledSize()) : null;
        List<RunProvenance.TeacherEntry> teacherEntries = teachers.stream()
                .map(t -> new RunProvenance.TeacherEntry(t.name(), t.modelFile().toString(),
                        t.modelDigest(), t.tokenizer().fingerprint()))
                .toList();
        return new RunProvenance(Instant.now().toString(), command, versions.kd4j(), versions.nd4j(), versions.java(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), config.student().train().seed(),
                config.data().seed(),
                new RunProvenance.DataFile(data.trainFile().toString(), Hashing.fileHex("training data", data.trainFile()),
                        data.trainVariant(), data.trainSize()),
                transfer, embeddings, unlabeled,
                new RunProvenance.DataFile(data.devFile().toString(), Hashing.fileHex("dev data", data.devFile()), null,
                        data.devSize()),
                tokenizer.fingerprint(), teacherEntries, config.run().parallelism(), NativeBuild.describe());
    }

    /** The configuration the work folder's checkpoints belong to, beside them. */
    static final String WORK_CONFIG = "config.yaml";

    /** What a resumed run must share with the run it resumes: everything but the {@code run} section. */
    private String trainingConfig() {
        return ConfigLoader.toYamlWithout(config, "run");
    }

    /**
     * With {@code --resume}: whether {@code work} holds a run to resume, and if so that it was started with this
     * configuration (its {@code run} section aside: where the run writes, its cache and its parallelism may change).
     * Checkpoints from another configuration would be read into the wrong plan of batches, or the wrong model.
     *
     * @throws KdException naming the first key that differs, before anything is written
     */
    private boolean resumable(Path work) {
        Path recorded = work.resolve(WORK_CONFIG);
        if (!Files.isRegularFile(recorded)) {
            boolean checkpoints;
            try (var entries = Files.list(work)) {
                checkpoints = entries.findAny().isPresent();
            } catch (java.nio.file.NoSuchFileException e) {
                checkpoints = false;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("reading " + work, e);
            }
            if (!checkpoints) {
                LOG.info("--resume: {} holds no checkpoint; the run starts from the beginning", work);
                return false;
            }
            LOG.warn("--resume: {} does not say which configuration its checkpoints belong to (written before"
                    + " {} was kept beside them); they are resumed as they are", work, WORK_CONFIG);
            return true;
        }
        String before;
        try {
            before = Files.readString(recorded);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading " + recorded, e);
        }
        ConfigLoader.difference(before, trainingConfig()).ifPresent(d -> {
            throw new KdException("--resume: " + run(work) + " was started with another configuration (" + d + "); resume"
                    + " it with the same preset and --set options, or run without --resume to start again");
        });
        return true;
    }

    private static Path run(Path work) {
        return work.getParent() == null ? work : work.getParent();
    }

    private static void clear(Path dir) {
        try {
            org.kd4j.util.FileTrees.delete(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KdException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }
}
