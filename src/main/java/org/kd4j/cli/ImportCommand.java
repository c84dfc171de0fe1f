package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportInfo;
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
 * {@code import}: an ONNX export or a frozen TensorFlow graph to a kd4j model file, with a parity report against ONNX
 * Runtime (on by default; {@code --no-parity} skips it); {@code --check} lists every unsupported construct at once.
 *
 * <p>Two paths, and the report says which was taken and why: a BERT-layout encoder is recognised and runs on kd4j's own
 * transformer (the path teachers, fine-tuning and students use; {@code --out model.kdm} writes it as a native model when
 * the export is a classifier); every graph also goes through the generic SameDiff import ({@code --out model.sdz}, the
 * imported-model file), which is what graphs that are not recognised use.
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

    @Option(names = "--no-parity", description = "Skip the check against ONNX Runtime (it runs by default).")
    boolean noParity;

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
        checkOptions();
        if (this.out == null) {
            throw UsageError.of(spec, "--out: required with --onnx or --tf (the model file to write: .sdz imported graph, or .kdm"
                    + " native model of a recognised classifier)");
        }
        boolean nativeOut = this.out.getFileName().toString().endsWith(".kdm");
        if (source.onnx != null) {
            org.kd4j.model.TextClassifier nativeModel = nativePath(out, nativeOut);
            if (nativeOut) {
                long t0 = System.nanoTime();
                nativeModel.save(this.out);
                out.printf("saved %s (%.1f MB, native transformer) in %.1f s%n", this.out, Files.size(this.out) / 1e6, (System.nanoTime() - t0) / 1e9);
                return Main.EXIT_OK;
            }
        } else if (nativeOut) {
            throw new KdException("--out " + this.out + ": a native .kdm model is written for recognised ONNX encoders; TensorFlow"
                    + " graphs import as .sdz");
        }
        ImportedModel model = source.onnx != null
                ? new OnnxImporter().importFile(source.onnx, new OnnxImporter.Options(head, labels, dequantize))
                : TfModelImport.importFile(source.tf, TfInputContract.bertRunClassifier(), labels);
        ImportInfo info = model.info();
        out.println("contract: " + model.contract().describe());
        out.printf("import: %.1f s; %s ops: %s -> %d SameDiff ops%n", info.importSeconds(),
                info.format().name().toLowerCase(java.util.Locale.ROOT), info.onnxOps().isEmpty() ? "-" : info.onnxOps(),
                info.samediffOps());
        if (source.onnx != null) {
            if (!noParity) {
                parity(model, out);
            }
        } else {
            out.println("parity: not available for TensorFlow graphs (no TensorFlow runtime here); the import tests compare"
                    + " with a reference forward pass instead");
        }
        long t0 = System.nanoTime();
        model.save(this.out);
        out.printf("saved %s (%.1f MB) in %.1f s%n", this.out, Files.size(this.out) / 1e6, (System.nanoTime() - t0) / 1e9);
        return Main.EXIT_OK;
    }

    /** The options' values that need no file: judged before anything is read. */
    private void checkOptions() {
        UsageError.require(spec, parityBatches.length > 0 && Arrays.stream(parityBatches).allMatch(b -> b >= 1 && b <= 256),
                "--parity-batches", "batch sizes of 1 to 256", Arrays.toString(parityBatches));
        UsageError.require(spec, parityLengths.length > 0 && Arrays.stream(parityLengths).allMatch(n -> n >= 2 && n <= 8192),
                "--parity-lengths", "sequence lengths of 2 ([CLS] and [SEP]) to 8192", Arrays.toString(parityLengths));
        UsageError.require(spec, labels.stream().noneMatch(String::isBlank), "--labels", "names that are not blank", labels);
        UsageError.require(spec, new java.util.HashSet<>(labels).size() == labels.size(), "--labels", "names that differ",
                labels);
    }

    /**
     * The native path: recognition, and parity of the native transformer. Returns the native model when recognised (with
     * the export's classifier when it has one, else a 2-output head on its pooling); null otherwise.
     */
    private org.kd4j.model.TextClassifier nativePath(PrintWriter out, boolean required) {
        org.kd4j.imports.encoder.RecognizedEncoder encoder;
        try {
            encoder = org.kd4j.imports.encoder.NativeEncoders.read(source.onnx);
        } catch (org.kd4j.imports.encoder.NotRecognizedException e) {
            if (required) {
                throw new KdException("--out " + this.out + ": a native model needs a BERT-layout encoder; " + e.getMessage());
            }
            out.println("path: generic SameDiff import (not a BERT layout kd4j's transformer holds: " + e.getMessage() + ")");
            out.flush();
            return null;
        }
        var c = encoder.config();
        out.printf("path: native transformer (BERT layout recognised: %d layers, hidden %d, %d heads, FFN %d, %s, layer-norm"
                        + " eps %.0e, %d positions%s%s; %,d weights); the generic SameDiff import follows for the .sdz file%n",
                c.layers(), c.hidden(), c.heads(), c.ffn(), c.activation().name().toLowerCase(java.util.Locale.ROOT),
                c.layerNormEps(), c.maxPositions(), encoder.poolerDescription(),
                encoder.labels() > 0 ? ", classifier of " + encoder.labels() : "", encoder.parameters());
        if (required && encoder.labels() == 0) {
            throw new KdException("--out " + this.out + ": " + source.onnx + " is a bare encoder; a native .kdm model needs a"
                    + " classifier export (use an encoder as a teacher or student with init: in a preset)");
        }
        if (!labels.isEmpty() && (required || encoder.labels() > 0) && labels.size() != encoder.labels()) {
            throw new KdException("--labels: " + labels.size() + " names given, the classifier of " + source.onnx + " has "
                    + encoder.labels() + " outputs");
        }
        int longest = Arrays.stream(parityLengths).max().orElse(0);
        if (!noParity && longest > c.maxPositions()) {
            throw new KdException("--parity-lengths: " + longest + " is longer than the " + c.maxPositions() + " positions of "
                    + source.onnx + " (pass lengths up to " + c.maxPositions() + ", or --no-parity)");
        }
        org.kd4j.model.TextClassifier model = encoder.classifier(encoder.labels() > 0 ? encoder.labels() : 2, null, 0);
        if (noParity) {
            return model;
        }
        Optional<ReferenceRuntime> reference = ReferenceRuntime.find();
        if (reference.isEmpty()) {
            out.println("parity (native): skipped, ONNX Runtime is not on the classpath");
            return model;
        }
        ParityCheck.Report report;
        try {
            report = org.kd4j.imports.encoder.NativeEncoders.parity(model, encoder, source.onnx, reference.get(), parityBatches,
                    parityLengths, 42);
        } catch (Exception e) {
            throw new KdException(source.onnx + ": native parity check failed to run: " + e.getMessage(), e);
        }
        out.print(report.table());
        out.println("native " + report.summary());
        out.flush();
        if (!report.passes()) {
            throw new KdException(source.onnx + ": the native transformer differs from " + report.runtime() + " (worst "
                    + String.format("%.2e", report.worst()) + "); nothing written");
        }
        return model;
    }

    private void parity(ImportedModel model, PrintWriter out) {
        Optional<ReferenceRuntime> reference = ReferenceRuntime.find();
        if (reference.isEmpty()) {
            out.println("parity: skipped, ONNX Runtime is not on the classpath (it is an optional dependency of kd4j)");
            return;
        }
        ParityCheck.Report report;
        try {
            report = ParityCheck.run(model, source.onnx, reference.get(), model.info().sourceInputs(),
                    model.info().sourceOutputs(), parityBatches, parityLengths, 42);
        } catch (Exception e) {
            throw new KdException(source.onnx + ": parity check failed to run: " + e.getMessage(), e);
        }
        out.print(report.table());
        boolean quantized = model.info().quantized();
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
            out.println("generic " + report.summary());
        }
        out.flush();
        if (!passes) {
            throw new KdException(source.onnx + ": imported graph differs from " + report.runtime() + " by " + report.worst()
                    + (quantized ? " (" + report.worstRelative() + " of max |reference| > " + ParityCheck.QUANTIZED_RELATIVE_TOLERANCE + ")"
                            : " (bar " + ParityCheck.TOLERANCE + " absolute or " + ParityCheck.RELATIVE_TOLERANCE + " relative)") + "; nothing written");
        }
    }
}
