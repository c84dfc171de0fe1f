package org.kd4j.imports.onnx.rewrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.kd4j.imports.onnx.MatMulMappingFix;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.kd4j.imports.parity.OrtReferenceRuntime;
import org.kd4j.util.QuietStdout;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter;

/**
 * A small ONNX model for testing one rewrite: INT64 graph inputs (what {@link OrtReferenceRuntime} feeds), FLOAT
 * outputs, nodes and initializers given by the test. Runs the model in ONNX Runtime, applies rewrites to a copy,
 * and imports it with SameDiff M2.1.
 */
final class TinyGraph {

    private final int opset;
    private final List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<Onnx.TensorProto> initializers = new ArrayList<>();
    private final List<Onnx.NodeProto> nodes = new ArrayList<>();

    TinyGraph(int opset) {
        this.opset = opset;
    }

    /** An INT64 input of the given rank with dynamic dims. */
    TinyGraph input(String name, int rank) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (int i = 0; i < rank; i++) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_d" + i));
        }
        inputs.add(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.INT64.getNumber())
                        .setShape(shape))).build());
        return this;
    }

    TinyGraph output(String name) {
        outputs.add(name);
        return this;
    }

    TinyGraph initializer(String name, Onnx.TensorProto.Builder tensor) {
        initializers.add(tensor.setName(name).build());
        return this;
    }

    TinyGraph node(Onnx.NodeProto node) {
        nodes.add(node);
        return this;
    }

    List<String> outputs() {
        return List.copyOf(outputs);
    }

    Onnx.ModelProto model() {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("tiny").addAllInput(inputs)
                .addAllInitializer(initializers).addAllNode(nodes);
        for (String o : outputs) {
            g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(o).setType(Onnx.TypeProto.newBuilder()
                    .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()))));
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(opset >= 14 ? 8 : 7).setProducerName("kd4j-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
    }

    OnnxGraph graph() {
        return new OnnxGraph(model().getGraph(), opset);
    }

    /** The model with its graph replaced by {@code graph}. */
    Onnx.ModelProto model(OnnxGraph graph) {
        return model().toBuilder().setGraph(graph.toProto()).build();
    }

    static Path write(Onnx.ModelProto model, Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    /** ONNX Runtime's outputs of the model for the feed. */
    static Map<String, INDArray> ort(Onnx.ModelProto model, Map<String, INDArray> feed, List<String> outputs, Path dir,
                                     String name) throws Exception {
        return new OrtReferenceRuntime().run(write(model, dir, name), feed, outputs);
    }

    /** Imports the model with SameDiff M2.1 (MatMul mapping corrected) and runs it on the feed. */
    static Map<String, INDArray> sameDiff(Onnx.ModelProto model, Map<String, INDArray> feed, List<String> outputs, Path dir,
                                          String name) throws Exception {
        return run(importSameDiff(model, dir, name), feed, outputs);
    }

    /** Imports the model with SameDiff M2.1 (MatMul mapping corrected). */
    static SameDiff importSameDiff(Onnx.ModelProto model, Path dir, String name) throws Exception {
        String path = write(model, dir, name).toString();
        OnnxFrameworkImporter importer = new OnnxFrameworkImporter();
        MatMulMappingFix.apply(importer.getRegistry());
        return QuietStdout.call(() -> importer.runImport(path, Map.of(), false));
    }

    /** Runs an imported graph on the feed; outputs as FLOAT. */
    static Map<String, INDArray> run(SameDiff sd, Map<String, INDArray> feed, List<String> outputs) {
        Map<String, INDArray> out = sd.output(feed, outputs);
        out.replaceAll((k, v) -> v.castTo(DataType.FLOAT));
        return out;
    }
}
