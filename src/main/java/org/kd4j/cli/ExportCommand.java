package org.kd4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import onnx.Onnx;
import org.kd4j.KdException;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.export.ExportCheck;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.OrtStudent;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.imports.exported.ExportedStudents;
import org.kd4j.model.BiLstmConfig;
import org.kd4j.model.CnnConfig;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.TransformerConfig;
import org.kd4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export}: a run's student as a standard ONNX graph plus its tokenizer.json, checked before anything is
 * written: ONNX Runtime against kd4j on dev examples, and the file read back into kd4j against kd4j.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's student as ONNX (input_ids, attention_mask, token_type_ids -> logits; dynamic batch and"
                + " sequence axes) with tokenizer.json beside it, after checking it against kd4j's own logits on dev"
                + " examples in ONNX Runtime (bar: 1e-4 of the largest logit) and read back into kd4j.")
final class ExportCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin OpThreadsOption opThreads;

    @Option(names = "--model", required = true, description = "Run directory (written by 'distill').")
    Path model;

    @Option(names = "--onnx", required = true, paramLabel = "<file>",
            description = "ONNX file to write; tokenizer.json is written beside it.")
    Path onnx;

    @Option(names = "--opset", defaultValue = "17", paramLabel = "<14|17>",
            description = "ONNX opset: 17 writes LayerNormalization nodes, 14 decomposes them (default: ${DEFAULT-VALUE}).")
    int opset;

    @Option(names = "--data-dir", defaultValue = "datasets",
            description = "Holds the task's dev split for the check (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--examples", defaultValue = "256", paramLabel = "<n>",
            description = "Dev examples the check runs (default: ${DEFAULT-VALUE}).")
    int examples;

    @Override
    public Integer call() {
        opThreads.apply(org.kd4j.util.Parallelism.defaults().threadsPerOp()); // threads per op, for the process
        OnnxOpset version = OnnxOpset.of(opset);
        UsageError.require(spec, examples >= 1, "--examples", "1 or more", examples);
        if (!java.nio.file.Files.isDirectory(model)) {
            throw new KdException(model + ": expected a run directory (written by 'distill')");
        }
        OutputFiles.requireWritable("--onnx", onnx);
        PrintWriter out = spec.commandLine().getOut();
        try (DistilledClassifier student = DistilledClassifier.load(model)) {
            TextClassifier nativeModel = student.model();
            ExportMetadata meta = new ExportMetadata(student.task(), student.labels(), student.maxLength());
            Onnx.ModelProto proto = StudentOnnxWriter.write(nativeModel, meta, version);
            byte[] bytes = proto.toByteArray();

            GlueDataset dev = devData(student);
            List<Batch> batches = batches(student, dev);
            ExportCheck ort;
            String runtime;
            try (OrtStudent session = new OrtStudent(bytes, onnx.toString(), 1)) {
                runtime = session.runtime();
                ort = ExportCheck.compare(batches, student::logits, session::logits);
            }
            TextClassifier readBack = ExportedStudents.model(proto, onnx.toString());
            ExportCheck roundTrip = ExportCheck.compare(batches, student::logits, readBack::logits);
            readBack.release();
            ModelConfig c = nativeModel.config();
            out.printf(Locale.ROOT, "student %s (%s), task %s, %d output(s), max length %d%n", model, describe(c), meta.task(),
                    nativeModel.outputs(), meta.maxLength());
            out.printf(Locale.ROOT, "%s vs kd4j on %d dev examples (%s, %d batches): %s (bar %.0e)%n", runtime, ort.examples(),
                    dev.file(), ort.batches(), ort.describe(), ExportCheck.BAR);
            out.printf(Locale.ROOT, "round trip (the file read back into kd4j) vs kd4j: %s%n", roundTrip.describe());
            out.flush();
            if (!ort.passes() || !roundTrip.passes()) {
                throw new KdException(onnx + ": not written: the export differs from kd4j by more than " + ExportCheck.BAR
                        + " of the largest logit (" + (ort.passes() ? "round trip " + roundTrip.describe() : runtime + " " + ort.describe()) + ")");
            }
            Path tokenizer = onnx.resolveSibling("tokenizer.json");
            try {
                AtomicFiles.write(onnx, bytes);
            } catch (IOException e) {
                throw new KdException("--onnx: cannot write " + onnx + ": " + e, e);
            }
            student.tokenizer().writeTokenizerJson(tokenizer, meta.maxLength());
            out.printf(Locale.ROOT, "wrote %s (opset %d, %,d bytes) and %s%n", onnx, version.version(), bytes.length, tokenizer);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private GlueDataset devData(DistilledClassifier student) {
        try {
            return GlueDataset.load(dataDir, student.task(), "dev", OnBadRow.FAIL);
        } catch (KdException e) {
            throw new KdException(e.getMessage() + " (the export is checked on the task's dev examples: pass --data-dir)", e);
        }
    }

    /** The first {@code --examples} dev examples in batches of similar lengths (the padded shapes differ). */
    private List<Batch> batches(DistilledClassifier student, GlueDataset dev) {
        int n = Math.min(examples, dev.size());
        EncodedDataset encoded = EncodedDataset.encode(student.task(), dev.examples().subList(0, n), student.tokenizer(),
                student.maxLength());
        List<Batch> batches = new ArrayList<>();
        for (int[] indices : new BatchPlanner(32, true, 1, 0).evaluationOrder(encoded.lengths())) {
            batches.add(Batch.of(encoded, indices, 0, student.tokenizer().padId()));
        }
        return batches;
    }

    private static String describe(ModelConfig c) {
        if (c instanceof TransformerConfig t) {
            return String.format(Locale.ROOT, "transformer %dL/%dH/%dA/FFN%d, %s pooling, %s", t.layers(), t.hidden(),
                    t.heads(), t.ffn(), t.pooling().name().toLowerCase(Locale.ROOT), t.activation().name().toLowerCase(Locale.ROOT));
        } else if (c instanceof BiLstmConfig b) {
            return String.format(Locale.ROOT, "bilstm, embeddings %d, %d units per direction%s%s", b.hidden(), b.units(),
                    b.depthNote(), b.headUnits() == 0 ? "" : ", ReLU layer " + b.headUnits());
        } else if (c instanceof CnnConfig n) {
            return String.format(Locale.ROOT, "cnn, embeddings %d, %d filters of widths 3, 4, 5", n.hidden(), n.filters());
        }
        return "imported";
    }
}
