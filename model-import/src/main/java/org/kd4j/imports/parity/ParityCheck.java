package org.kd4j.imports.parity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.ImportedModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compares an imported model with the reference runtime on the original file, on random inputs of several batch sizes
 * and sequence lengths (rows padded at the end with mask 0), and reports the largest absolute difference per output.
 */
public final class ParityCheck {

    /** The bar every fixture must meet. */
    public static final double TOLERANCE = 1e-4;

    /**
     * The bar for graphs that keep 8-bit quantized arithmetic, relative to the output's largest magnitude: where a
     * float difference in the last bits moves an activation across a rounding boundary of its quantization, later
     * layers amplify that one step (measured on an int8 all-MiniLM-L6-v2: up to 4.8e-2; ONNX Runtime's basic and full
     * optimisation levels differ from each other by 3.3e-2 on the same inputs).
     */
    public static final double QUANTIZED_RELATIVE_TOLERANCE = 0.1;

    /** One comparison: shape of the batch, output, largest |difference|, largest |reference value|. */
    public record Case(int batch, int length, String output, double maxAbsDiff, double referenceMaxAbs) {

        /** {@code maxAbsDiff / referenceMaxAbs} (infinite for an all-zero reference with a difference). */
        public double relative() {
            return maxAbsDiff == 0 ? 0 : maxAbsDiff / referenceMaxAbs;
        }
    }

    /** All comparisons of one run. */
    public record Report(String runtime, List<Case> cases) {
        public double worst() {
            return cases.stream().mapToDouble(Case::maxAbsDiff).max().orElse(Double.NaN);
        }

        /** The largest {@link Case#relative()}: differences as a fraction of the output's largest magnitude. */
        public double worstRelative() {
            return cases.stream().mapToDouble(Case::relative).max().orElse(Double.NaN);
        }

        public boolean passes() {
            return !cases.isEmpty() && worst() <= TOLERANCE;
        }

        /** Whether every case is within {@link #QUANTIZED_RELATIVE_TOLERANCE} of its output's largest magnitude. */
        public boolean passesQuantized() {
            return !cases.isEmpty() && worstRelative() <= QUANTIZED_RELATIVE_TOLERANCE;
        }

        /** A small Markdown table. */
        public String table() {
            StringBuilder sb = new StringBuilder("| batch | length | output | max abs diff vs " + runtime
                    + " | max abs reference |\n|---:|---:|---|---:|---:|\n");
            for (Case c : cases) {
                sb.append(String.format("| %d | %d | %s | %.2e | %.3g |%n", c.batch(), c.length(), c.output(), c.maxAbsDiff(),
                        c.referenceMaxAbs()));
            }
            return sb.toString();
        }
    }

    private ParityCheck() {}

    /**
     * Runs the comparison.
     *
     * @param sourceInputs  contract input name to the file's input name
     * @param sourceOutputs contract output name to the file's output name
     */
    public static Report run(ImportedModel model, Path onnx, ReferenceRuntime reference, Map<String, String> sourceInputs,
                             Map<String, String> sourceOutputs, int[] batches, int[] lengths, long seed) throws Exception {
        Random random = new Random(seed);
        long vocab = model.info().get("vocab_size") instanceof Number n && n.longValue() > 0 ? n.longValue() : 100;
        List<Case> cases = new ArrayList<>();
        for (int batch : batches) {
            for (int length : lengths) {
                Map<String, INDArray> inputs = randomInputs(model.contract(), batch, length, vocab, random);
                Map<String, INDArray> ours = model.output(inputs);
                Map<String, INDArray> refIn = new LinkedHashMap<>();
                inputs.forEach((k, v) -> refIn.put(sourceInputs.getOrDefault(k, k), v));
                List<String> refNames = model.contract().outputs().stream().map(o -> sourceOutputs.getOrDefault(o, o)).toList();
                Map<String, INDArray> theirs = reference.run(onnx, refIn, refNames);
                for (String out : model.contract().outputs()) {
                    INDArray a = ours.get(out).castTo(DataType.DOUBLE);
                    INDArray b = theirs.get(sourceOutputs.getOrDefault(out, out)).castTo(DataType.DOUBLE);
                    double diff = java.util.Arrays.equals(a.shape(), b.shape()) ? a.sub(b).amaxNumber().doubleValue() : Double.POSITIVE_INFINITY;
                    cases.add(new Case(batch, length, out, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff,
                            b.amaxNumber().doubleValue()));
                }
            }
        }
        return new Report(reference.name(), cases);
    }

    /** Ids in [0, vocab), token types 0/1 split at a random point, masks with trailing zeros (each row keeps >= 1 token). */
    public static Map<String, INDArray> randomInputs(GraphContract contract, int batch, int length, long vocab, Random random) {
        long[][] ids = new long[batch][length];
        long[][] mask = new long[batch][length];
        long[][] types = new long[batch][length];
        for (int b = 0; b < batch; b++) {
            int real = b == 0 ? length : 1 + random.nextInt(length);
            int split = random.nextInt(real + 1);
            for (int t = 0; t < length; t++) {
                ids[b][t] = t < real ? random.nextInt((int) Math.min(vocab, Integer.MAX_VALUE)) : 0;
                mask[b][t] = t < real ? 1 : 0;
                types[b][t] = t < real && t >= split ? 1 : 0;
            }
        }
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put(GraphContract.INPUT_IDS, Nd4j.createFromArray(ids));
        in.put(GraphContract.ATTENTION_MASK, Nd4j.createFromArray(mask));
        if (contract.usesTokenTypes()) {
            in.put(GraphContract.TOKEN_TYPE_IDS, Nd4j.createFromArray(types));
        }
        return in;
    }
}
