package org.kd4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.eval.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code evaluate}: a run's student on a task split, as a model-card table (metric, runtime, samples/s, loss). */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a run directory's student on a split of its task.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin InferenceOptions inference;

    @Option(names = "--model", required = true,
            description = "Run directory (written by 'distill') or exported model.onnx ('export', tokenizer.json beside it).")
    Path model;

    @Option(names = "--engine", defaultValue = "kd4j", paramLabel = "<engine>",
            description = "What runs the student: kd4j, or onnx_runtime (ONNX Runtime on its ONNX form: the exported file,"
                    + " or the run's student exported in memory) (default: ${DEFAULT-VALUE}).")
    DistilledClassifier.Engine engine;

    @Option(names = "--task", description = "Task (default: the run's task; another task must have the same labels).")
    String task;

    @Option(names = "--split", defaultValue = "dev", description = "Split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--data-dir", defaultValue = "datasets", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", description = "Print the results as one JSON object (task, split, file, model, metrics, loss,"
            + " runtime, samples, confusion matrix) instead of tables.")
    boolean json;

    @Override
    public Integer call() {
        DistilledClassifier.Options options = inference.apply(engine, 64);
        try (DistilledClassifier classifier = DistilledClassifier.load(model, options)) {
            GlueTask t = task == null ? classifier.task() : GlueTask.parse(task);
            if (!t.labels().equals(classifier.labels()) || t.isRegression() != classifier.task().isRegression()) {
                throw new KdException("--task " + t + ": labels " + t.labels() + " do not match the model's "
                        + classifier.labels() + " (trained on " + classifier.task() + ")");
            }
            GlueDataset data = GlueDataset.load(dataDir, t, split, OnBadRow.FAIL);
            if (!data.split().labeled()) {
                throw new KdException(data.file() + ": split '" + data.split().name() + "' has no gold labels to evaluate against");
            }
            EncodedDataset encoded = EncodedDataset.encode(data, classifier.tokenizer(), classifier.maxLength());
            Evaluator.Report report = Evaluator.evaluate(t, encoded, classifier::logits);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(t, data, report));
            } else {
                out.printf("%s %s (%s), model %s%n%n%s", t, data.split().name(), data.file(), model, report.table());
                if (report.confusion() != null) {
                    out.printf("%nconfusion (rows: gold label, columns: predicted)%n%n%s", report.confusion().table());
                }
            }
            out.flush();
        }
        return Main.EXIT_OK;
    }

    /** {@code --json}: the tables' figures as one object; metrics as fractions, under the keys of the table's rows. */
    private String json(GlueTask t, GlueDataset data, Evaluator.Report report) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("task", t.toString());
        root.put("split", data.split().name());
        root.put("file", data.file().toString());
        root.put("model", model.toString());
        ObjectNode metrics = root.putObject("metrics");
        report.evaluation().metrics().forEach((m, v) -> metrics.put(m.key(), v));
        root.put("loss", report.loss());
        root.put("runtime_seconds", report.seconds());
        root.put("samples_per_second", report.examplesPerSecond());
        root.put("samples", report.examples());
        if (report.confusion() != null) {
            ObjectNode confusion = root.putObject("confusion");
            confusion.set("labels", mapper.valueToTree(report.confusion().labels()));
            confusion.set("counts", mapper.valueToTree(report.confusion().counts()));
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the evaluation as JSON", e);
        }
    }
}
