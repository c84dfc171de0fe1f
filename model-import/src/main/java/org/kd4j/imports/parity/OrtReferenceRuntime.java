package org.kd4j.imports.parity;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime 1.29 as the {@link ReferenceRuntime} (test scope only; registered through META-INF/services), one thread,
 * basic graph optimisations only.
 */
public final class OrtReferenceRuntime implements ReferenceRuntime {

    @Override
    public String name() {
        org.kd4j.util.OnnxRuntimeLaunch.check("the parity check's reference");
        return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion();
    }

    @Override
    public Map<String, INDArray> run(Path model, Map<String, INDArray> inputs, List<String> outputs) throws Exception {
        org.kd4j.util.OnnxRuntimeLaunch.check(model.toString());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            // the graph as written: from EXTENDED on, ONNX Runtime fuses DequantizeLinear(weights) + MatMul into a
            // kernel that quantizes the activations too (outputs off by the quantization error)
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (Map.Entry<String, INDArray> e : inputs.entrySet()) {
                        INDArray a = e.getValue().castTo(DataType.INT64).dup('c');
                        feed.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(a.data().asLong()), a.shape()));
                    }
                    try (OrtSession.Result result = session.run(feed, new java.util.HashSet<>(outputs))) {
                        Map<String, INDArray> out = new LinkedHashMap<>();
                        for (String name : outputs) {
                            OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("ONNX Runtime: no output " + name));
                            OnnxTensor t = (OnnxTensor) v;
                            FloatBuffer fb = t.getFloatBuffer();
                            float[] values = new float[fb.remaining()];
                            fb.get(values);
                            out.put(name, Nd4j.create(values, t.getInfo().getShape(), 'c'));
                        }
                        return out;
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
