package org.kd4j.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.data.batch.Batch;

/**
 * An exported student run by ONNX Runtime (an optional dependency of kd4j: {@code export} verifies with it,
 * {@code bench serve} and {@code bench student} measure it, teachers score on it, and {@code DistilledClassifier}'s
 * {@code ONNX_RUNTIME} engine runs students on it). One session; {@link #logits} and {@link #features} may be
 * called from several threads at once (ONNX Runtime's sessions are thread-safe).
 */
public final class OrtStudent implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String name;

    /**
     * @param model   the ONNX model's bytes
     * @param name    the file it is (or will be) written to, for messages
     * @param threads intra-op threads of the session (0: ONNX Runtime's default, one per core)
     */
    public OrtStudent(byte[] model, String name, int threads) {
        this.name = name;
        org.kd4j.util.OnnxRuntimeLaunch.check(name);
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (NoClassDefFoundError e) {
            throw new KdException(name + ": running it on ONNX Runtime needs com.microsoft.onnxruntime:onnxruntime"
                    + " on the classpath", e);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
            }
            session = env.createSession(model, options);
        } catch (OrtException e) {
            throw new KdException(name + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** The runtime's name and version, e.g. {@code ONNX Runtime 1.29.0}. */
    public String runtime() {
        return "ONNX Runtime " + env.getVersion();
    }

    /** Logits of a padded batch, one row per example. */
    public float[][] logits(Batch batch) {
        return output(batch, StudentOnnxWriter.LOGITS);
    }

    /**
     * The pooled representation of a padded batch, one row per example: the {@link StudentOnnxWriter#FEATURES} output
     * of a model written by {@link StudentOnnxWriter#withFeatures}.
     *
     * @throws IllegalStateException when the model has no such output
     */
    public float[][] features(Batch batch) {
        requireFeatures();
        return output(batch, StudentOnnxWriter.FEATURES);
    }

    /**
     * The logits and the pooled representation of a padded batch from one run of the session (a model written by
     * {@link StudentOnnxWriter#withFeatures}).
     *
     * @throws IllegalStateException when the model has no pooled representation output
     */
    public org.kd4j.model.TextClassifier.Scores logitsAndFeatures(Batch batch) {
        requireFeatures();
        Map<String, float[][]> both = outputs(batch, StudentOnnxWriter.LOGITS, StudentOnnxWriter.FEATURES);
        return new org.kd4j.model.TextClassifier.Scores(both.get(StudentOnnxWriter.LOGITS), both.get(StudentOnnxWriter.FEATURES));
    }

    private void requireFeatures() {
        if (!session.getOutputNames().contains(StudentOnnxWriter.FEATURES)) {
            throw new IllegalStateException(name + ": the model has no " + StudentOnnxWriter.FEATURES + " output, only "
                    + session.getOutputNames());
        }
    }

    /** The output {@code output} of a padded batch (the others are not computed). */
    private float[][] output(Batch batch, String output) {
        return outputs(batch, output).get(output);
    }

    /** The outputs {@code names} of a padded batch from one run (the others are not computed), by name. */
    private Map<String, float[][]> outputs(Batch batch, String... names) {
        long[] shape = {batch.size(), batch.length()};
        try (OnnxTensor ids = tensor(batch.inputIds(), shape);
             OnnxTensor mask = tensor(batch.attentionMask(), shape);
             OnnxTensor types = tensor(batch.tokenTypeIds(), shape);
             OrtSession.Result result = session.run(Map.of(StudentOnnxWriter.INPUT_IDS, ids,
                     StudentOnnxWriter.ATTENTION_MASK, mask, StudentOnnxWriter.TOKEN_TYPE_IDS, types),
                     new java.util.LinkedHashSet<>(java.util.List.of(names)))) {
            Map<String, float[][]> out = new java.util.LinkedHashMap<>();
            for (String output : names) {
                out.put(output, (float[][]) result.get(output).orElseThrow().getValue());
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException(name + ": ONNX Runtime failed on a batch of " + batch.size() + " x " + batch.length()
                    + ": " + e.getMessage(), e);
        }
    }

    private OnnxTensor tensor(int[] values, long[] shape) throws OrtException {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(longs), shape);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(name + ": closing the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
