package org.kd4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite differences against SameDiff's gradients, in whatever precision the graph uses (tests use DOUBLE):
 * for each chosen element, {@code (L(x+h) - L(x-h)) / 2h} must match the analytic gradient within
 * {@code absolute + relative * |numeric|}.
 */
public final class FiniteDifferences {

    /** What a check covered. */
    public record Result(int checked, double maxRelativeError) { }

    private FiniteDifferences() {}

    /**
     * @param elements for a variable's flattened gradient, the indices to check
     */
    public static Result check(SameDiff sd, Map<String, INDArray> feed, String loss, Map<String, INDArray> grads,
                               Function<INDArray, long[]> elements, double h, double absolute, double relative, String label) {
        int checked = 0;
        double maxRelative = 0;
        for (Map.Entry<String, INDArray> g : grads.entrySet()) {
            String name = g.getKey();
            INDArray param = sd.getVariable(name).getArr();
            INDArray flat = param.reshape(param.length());
            INDArray grad = g.getValue().reshape(param.length());
            for (long i : elements.apply(grad)) {
                double original = flat.getDouble(i);
                flat.putScalar(i, original + h);
                double plus = sd.output(feed, loss).get(loss).getDouble(0);
                flat.putScalar(i, original - h);
                double minus = sd.output(feed, loss).get(loss).getDouble(0);
                flat.putScalar(i, original);
                double numeric = (plus - minus) / (2 * h);
                double analytic = grad.getDouble(i);
                assertEquals(numeric, analytic, absolute + relative * Math.abs(numeric), label + " " + name + "[" + i + "]");
                if (Math.abs(numeric) > 1e-6) {
                    maxRelative = Math.max(maxRelative, Math.abs(numeric - analytic) / Math.abs(numeric));
                }
                checked++;
            }
        }
        return new Result(checked, maxRelative);
    }

    /** Every element of small arrays, a spread of about six elements of larger ones. */
    public static long[] spread(INDArray grad) {
        long step = Math.max(1, grad.length() / 6);
        return java.util.stream.LongStream.iterate(0, i -> i < grad.length(), i -> i + step).toArray();
    }
}
