package org.kd4j.imports.encoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.data.batch.Batch;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.onnx.OnnxModelReader;
import org.kd4j.imports.parity.ParityCheck;
import org.kd4j.imports.parity.ReferenceRuntime;
import org.kd4j.model.ClassifierGraph;
import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BERT-family ONNX encoders on kd4j's own transformer: read an export ({@link #read}), build a classifier from it
 * ({@link RecognizedEncoder#classifier}) and check it against the reference runtime on the original file
 * ({@link #parity}).
 */
public final class NativeEncoders {

    private static final Logger LOG = LogManager.getLogger(NativeEncoders.class);

    private NativeEncoders() {}

    /**
     * Reads and recognises an ONNX encoder.
     *
     * @throws NotRecognizedException when the graph is not one the native transformer holds (the reason is the message)
     * @throws ImportException when the file cannot be read or its inputs are not kd4j's contract
     */
    public static RecognizedEncoder read(Path onnx) throws ImportException {
        long start = System.nanoTime();
        Onnx.ModelProto model = OnnxModelReader.read(onnx);
        RecognizedEncoder encoder = EncoderRecognizer.recognize(model, OnnxModelReader.opset(model), onnx.toString());
        LOG.info("{}: BERT-family encoder, {} layers, hidden {}, {} heads, FFN {}, {}, layer-norm eps {}, {} positions{}{},"
                        + " {} weights, read in {} s", onnx.getFileName(), encoder.config().layers(), encoder.config().hidden(),
                encoder.config().heads(), encoder.config().ffn(), encoder.config().activation(), encoder.config().layerNormEps(),
                encoder.config().maxPositions(), encoder.poolerDescription(),
                encoder.labels() > 0 ? ", classifier of " + encoder.labels() : "", encoder.parameters(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return encoder;
    }

    /**
     * Compares the native model with the reference runtime running the original file, on random ids, token types and
     * masks (rows padded at the end) of every batch size and length given: the hidden states, the pooler output and the
     * logits, as far as the file has them and the model computes them.
     *
     * @param model a classifier built by {@link RecognizedEncoder#classifier} with the export's own pooling
     */
    public static ParityCheck.Report parity(TextClassifier model, RecognizedEncoder encoder, Path onnx, ReferenceRuntime reference,
                                            int[] batches, int[] lengths, long seed) throws Exception {
        Random random = new Random(seed);
        long vocab = model.embeddings().vocabSize();
        GraphContract contract = new GraphContract(org.kd4j.imports.contract.Head.ENCODER,
                List.copyOf(encoder.sourceInputs().keySet()), List.of(GraphContract.LAST_HIDDEN_STATE), List.of(), model.config().hidden());
        Map<String, String> compared = new LinkedHashMap<>();
        encoder.sourceOutputs().forEach((ours, theirs) -> {
            boolean computed = switch (ours) {
                case GraphContract.LAST_HIDDEN_STATE -> true;
                case GraphContract.POOLER_OUTPUT -> model.graph().sd().hasVariable(ClassifierGraph.POOLED);
                case GraphContract.LOGITS -> encoder.labels() == model.outputs();
                default -> false;
            };
            if (computed) {
                compared.put(ours, theirs);
            }
        });
        List<ParityCheck.Case> cases = new ArrayList<>();
        for (int batch : batches) {
            for (int length : lengths) {
                Map<String, INDArray> inputs = ParityCheck.randomInputs(contract, batch, length, vocab, random);
                Map<String, INDArray> refIn = new LinkedHashMap<>();
                inputs.forEach((k, v) -> refIn.put(encoder.sourceInputs().getOrDefault(k, k), v));
                Map<String, INDArray> theirs = reference.run(onnx, refIn, List.copyOf(compared.values()));
                Map<String, INDArray> ours = model.outputs(batch(inputs, batch, length),
                        compared.keySet().stream().map(NativeEncoders::nativeName).toArray(String[]::new));
                for (Map.Entry<String, String> out : compared.entrySet()) {
                    INDArray a = ours.get(nativeName(out.getKey()));
                    INDArray b = theirs.get(out.getValue());
                    ParityCheck.Case c = ParityCheck.compare(batch, length, out.getKey(), a, b);
                    if (!c.passesPlainBar() && out.getKey().equals(GraphContract.LAST_HIDDEN_STATE)) {
                        // two float32 runtimes disagree: measure both against a float64 pass of the same weights
                        INDArray exact = new Float64Reference(encoder).hiddenStates(inputs);
                        c = c.withFloat64(maxDiff(a, exact), maxDiff(b, exact));
                    }
                    cases.add(c);
                }
            }
        }
        return new ParityCheck.Report(reference.name(), cases);
    }

    private static double maxDiff(INDArray a, INDArray exact) {
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(exact).amaxNumber().doubleValue();
    }

    private static String nativeName(String contractOutput) {
        return switch (contractOutput) {
            case GraphContract.LAST_HIDDEN_STATE -> ClassifierGraph.HIDDEN_STATES;
            case GraphContract.POOLER_OUTPUT -> ClassifierGraph.POOLED;
            default -> ClassifierGraph.LOGITS;
        };
    }

    /** The contract's INT64 matrices as a kd4j batch. */
    static Batch batch(Map<String, INDArray> inputs, int size, int length) {
        int[] ids = flat(inputs.get(GraphContract.INPUT_IDS));
        int[] mask = flat(inputs.get(GraphContract.ATTENTION_MASK));
        int[] types = inputs.containsKey(GraphContract.TOKEN_TYPE_IDS) ? flat(inputs.get(GraphContract.TOKEN_TYPE_IDS)) : new int[ids.length];
        int[] rows = new int[size];
        for (int i = 0; i < size; i++) {
            rows[i] = i;
        }
        int[] labels = new int[size];
        java.util.Arrays.fill(labels, -1);
        double[] scores = new double[size];
        java.util.Arrays.fill(scores, Double.NaN);
        return new Batch(rows, length, ids, types, mask, labels, scores);
    }

    private static int[] flat(INDArray matrix) {
        return Nd4j.toFlattened('c', matrix).toIntVector();
    }
}
