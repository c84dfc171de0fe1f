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
 * and sequence lengths (rows padded at the end with mask 0), and reports per output the largest absolute difference and
 * that difference relative to the reference output's largest magnitude.
 *
 * <p>The bar: a case passes when its absolute difference is at most {@link #TOLERANCE} or its relative difference at
 * most {@link #RELATIVE_TOLERANCE}; or, where a float64 forward pass of the same weights was computed (native encoders,
 * for cases over the first two bars), when kd4j is no further from float64 than the reference runtime is. Two float32
 * runtimes drift apart with depth, batch and length: on bge-small (12 layers) at batch 8 x length 64 with random ids,
 * ONNX Runtime was 2.4e-4 from float64 and kd4j 3.6e-5, so their 2.6e-4 difference was ONNX Runtime's rounding.
 */
public final class ParityCheck {

    /** The absolute bar. */
    public static final double TOLERANCE = 1e-4;
    /** The relative bar: largest |difference| over the largest |reference value|. */
    public static final double RELATIVE_TOLERANCE = 1e-5;

    /**
     * The bar for graphs that keep 8-bit quantized arithmetic, relative to the output's largest magnitude: where a
     * float difference in the last bits moves an activation across a rounding boundary of its quantization, later
     * layers amplify that one step (measured on an int8 all-MiniLM-L6-v2: up to 4.8e-2; ONNX Runtime's basic and full
     * optimisation levels differ from each other by 3.3e-2 on the same inputs).
     */
    public static final double QUANTIZED_RELATIVE_TOLERANCE = 0.1;

    /**
     * One comparison: shape of the batch, output, largest |difference|, largest |reference value|.
     */
    public record Case(int batch, int length, String output, double maxAbsDiff, double referenceMax, double oursVsFloat64,
                       double referenceVsFloat64) {
        /** A case without a float64 yardstick. */
        public Case(int batch, int length, String output, double maxAbsDiff, double referenceMax) {
            this(batch, length, output, maxAbsDiff, referenceMax, Double.NaN, Double.NaN);
        }

        public double relative() {
            return referenceMax > 0 ? maxAbsDiff / referenceMax : maxAbsDiff;
        }

        public boolean passesPlainBar() {
            return maxAbsDiff <= TOLERANCE || relative() <= RELATIVE_TOLERANCE;
        }

        public boolean passes() {
            return passesPlainBar() || (!Double.isNaN(oursVsFloat64) && oursVsFloat64 <= Math.max(referenceVsFloat64, TOLERANCE));
        }

        /** This case with the float64 yardstick: |ours - float64| and |reference - float64|, largest. */
        public Case withFloat64(double ours, double reference) {
            return new Case(batch, length, output, maxAbsDiff, referenceMax, ours, reference);
        }
    }

    /** All comparisons of one run. */
    public record Report(String runtime, List<Case> cases) {
        public double worst() {
            return cases.stream().mapToDouble(Case::maxAbsDiff).max().orElse(Double.NaN);
        }

        /** The worst relative difference. */
        public double worstRelative() {
            return cases.stream().mapToDouble(Case::relative).max().orElse(Double.NaN);
        }

        public boolean passes() {
            return !cases.isEmpty() && cases.stream().allMatch(Case::passes);
        }

        /** One line: worst absolute and relative differences against the bar, and the verdict. */
        public String summary() {
            long yardstick = cases.stream().filter(c -> !c.passesPlainBar() && c.passes()).count();
            return String.format("parity vs %s: worst max |diff| %.2e, relative %.2e (bar: %.0e absolute or %.0e relative"
                    + " per case, %d cases%s): %s", runtime, worst(), worstRelative(), TOLERANCE, RELATIVE_TOLERANCE, cases.size(),
                    yardstick == 0 ? "" : "; " + yardstick + " over it where kd4j was closer to float64 than " + runtime,
                    passes() ? "pass" : "FAIL");
        }

        /** Whether every case is within {@link #QUANTIZED_RELATIVE_TOLERANCE} of its output's largest magnitude. */
        public boolean passesQuantized() {
            return !cases.isEmpty() && worstRelative() <= QUANTIZED_RELATIVE_TOLERANCE;
        }

        /** A small Markdown table. */
        public String table() {
            StringBuilder sb = new StringBuilder("| batch | length | output | max abs diff vs " + runtime
                    + " | max abs reference | relative | kd4j vs float64 | reference vs float64 | pass |\n"
                    + "|---:|---:|---|---:|---:|---:|---:|---:|---|\n");
            for (Case c : cases) {
                sb.append(String.format("| %d | %d | %s | %.2e | %.3g | %.2e | %s | %s | %s |%n", c.batch(), c.length(), c.output(),
                        c.maxAbsDiff(), c.referenceMax(), c.relative(), sci(c.oursVsFloat64()), sci(c.referenceVsFloat64()),
                        c.passes() ? "yes" : "NO"));
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
        long vocab = model.info().vocabSize() > 0 ? model.info().vocabSize() : 100;
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
                    cases.add(compare(batch, length, out, a, b));
                }
            }
        }
        return new Report(reference.name(), cases);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2e", v);
    }

    /** One case: our output {@code a} against the reference {@code b} (shapes must agree, NaN counts as infinitely off). */
    public static Case compare(int batch, int length, String output, INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE);
        INDArray y = b.castTo(DataType.DOUBLE);
        double diff = java.util.Arrays.equals(x.shape(), y.shape()) ? x.sub(y).amaxNumber().doubleValue() : Double.POSITIVE_INFINITY;
        return new Case(batch, length, output, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff, y.amaxNumber().doubleValue());
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
