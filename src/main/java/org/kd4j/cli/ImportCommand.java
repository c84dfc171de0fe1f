package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.onnx.OnnxImporter;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.parity.ReferenceRuntime;
import org.kd4j.imports.tf.TfInputContract;
import org.kd4j.imports.tf.TfModelImport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code import}: an ONNX export or a frozen TensorFlow graph to a kd4j imported-model file (SameDiff graph + graph
 * contract), with a parity report against ONNX Runtime when it is on the classpath; {@code --check} lists every
 * unsupported construct of a file at once.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an ONNX or frozen TensorFlow (.pb) BERT-family model into SameDiff under kd4j's graph contract,"
                + " or --check a file for unsupported constructs.")
final class ImportCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    static final class Source {
        @Option(names = "--onnx", description = "ONNX file to import (model.onnx; external data beside it is read).")
        Path onnx;

        @Option(names = "--tf", description = "Frozen TensorFlow GraphDef (.pb) of a BERT classifier to import.")
        Path tf;

        @Option(names = "--check", description = "List every unsupported construct of this ONNX file and exit (1 if any).")
        Path check;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", description = "Imported-model file to write (written only when import and parity succeed).")
    Path out;

    @Option(names = "--labels", split = ",", description = "Label names of a classifier, in logit order (e.g. negative,positive).")
    List<String> labels = List.of();

    @Option(names = "--head", description = "CLASSIFIER or ENCODER (default: decided from the graph's outputs).")
    Head head;

    @Option(names = "--dequantize", description = "For int8 exports: import dynamically quantized layers as float MatMuls with"
            + " dequantized weights (for fine-tuning); drops the activations' quantization, so the parity report (against the"
            + " int8 file) shows the quantization error and is not a gate.")
    boolean dequantize;

    @Option(names = "--parity-batches", split = ",", defaultValue = "1,2,3", description = "Batch sizes of the parity report.")
    int[] parityBatches;

    @Option(names = "--parity-lengths", split = ",", defaultValue = "5,11,17", description = "Sequence lengths of the parity report.")
    int[] parityLengths;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (source.check != null) {
            List<String> problems = new OnnxImporter().check(source.check);
            if (problems.isEmpty()) {
                out.println(source.check + ": no unsupported constructs");
                return Main.EXIT_OK;
            }
            out.println(source.check + ": " + problems.size() + " unsupported construct(s):");
            problems.forEach(p -> out.println("  " + p));
            out.flush();
            return Main.EXIT_INPUT;
        }
        if (this.out == null) {
            throw new KdException("--out: required with --onnx or --tf (the imported-model file to write)");
        }
        ImportedModel model = source.onnx != null
                ? new OnnxImporter().importFile(source.onnx, new OnnxImporter.Options(head, labels, dequantize))
                : TfModelImport.importFile(source.tf, TfInputContract.bertRunClassifier(), labels);
        Map<String, Object> info = model.info();
        out.println("contract: " + model.contract().describe());
        out.printf("import: %.1f s; %s ops: %s -> %d SameDiff ops%n", ((Number) info.get("import_seconds")).doubleValue(),
                info.get("format"), info.getOrDefault("onnx_ops", "-"), ((Number) info.get("samediff_ops")).intValue());
        if (source.onnx != null) {
            parity(model, out);
        } else {
            out.println("parity: not available for TensorFlow graphs (no TensorFlow runtime here); the import tests compare"
                    + " with a reference forward pass instead");
        }
        long t0 = System.nanoTime();
        model.save(this.out);
        out.printf("saved %s (%.1f MB) in %.1f s%n", this.out, Files.size(this.out) / 1e6, (System.nanoTime() - t0) / 1e9);
        return Main.EXIT_OK;
    }

    @SuppressWarnings("unchecked")
    private void parity(ImportedModel model, PrintWriter out) {
        Optional<ReferenceRuntime> reference = ReferenceRuntime.find();
        if (reference.isEmpty()) {
            out.println("parity: skipped, no reference runtime on the classpath (ONNX Runtime is test-scoped: run with"
                    + " -Dexec.classpathScope=test)");
            return;
        }
        ParityCheck.Report report;
        try {
            report = ParityCheck.run(model, source.onnx, reference.get(), (Map<String, String>) model.info().get("source_inputs"),
                    (Map<String, String>) model.info().get("source_outputs"), parityBatches, parityLengths, 42);
        } catch (Exception e) {
            throw new KdException(source.onnx + ": parity check failed to run: " + e.getMessage(), e);
        }
        out.print(report.table());
        boolean quantized = Boolean.TRUE.equals(model.info().get("quantized"));
        if (dequantize && quantized) {
            out.printf("parity: worst max |diff| %.2e (%.1e of max |reference|): not a gate with --dequantize (the int8 file"
                    + " quantizes its activations, the import does not)%n", report.worst(), report.worstRelative());
            out.flush();
            return;
        }
        boolean passes = quantized ? report.passesQuantized() : report.passes();
        if (quantized) {
            out.printf("parity: worst max |diff| %.2e, %.1e of max |reference| (int8 graph: bar %.0e relative): %s%n",
                    report.worst(), report.worstRelative(), ParityCheck.QUANTIZED_RELATIVE_TOLERANCE, passes ? "pass" : "FAIL");
        } else {
            out.printf("parity: worst max |diff| %.2e (bar %.0e): %s%n", report.worst(), ParityCheck.TOLERANCE, passes ? "pass" : "FAIL");
        }
        out.flush();
        if (!passes) {
            throw new KdException(source.onnx + ": imported graph differs from " + report.runtime() + " by " + report.worst()
                    + (quantized ? " (" + report.worstRelative() + " of max |reference| > " + ParityCheck.QUANTIZED_RELATIVE_TOLERANCE + ")"
                            : " (> " + ParityCheck.TOLERANCE + ")") + "; nothing written");
        }
    }
}
