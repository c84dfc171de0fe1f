package org.kd4j.imports.onnx;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.kd4j.imports.ImportException;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads an ONNX model file and checks what import relies on: a parseable ModelProto with a graph, a default-domain
 * opset in {@value #MIN_OPSET}..{@value #MAX_OPSET}, and initializer data that is present. External data
 * ({@code model.onnx} + {@code model.onnx.data}) is read into the model; a missing or short data file is an error
 * naming it.
 */
public final class OnnxModelReader {

    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 17;

    private OnnxModelReader() {}

    public static Onnx.ModelProto read(Path file) throws ImportException {
        if (!Files.isRegularFile(file)) {
            throw new ImportException(file + ": no such ONNX file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            throw new ImportException(file + ": empty file, expected an ONNX model");
        }
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ImportException(file + ": not an ONNX model, or truncated/corrupt (" + e.getMessage() + ")", e);
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ImportException(file + ": not an ONNX model (no ir_version or no graph nodes)"
                    + (file.toString().endsWith(".pb") ? "; for a TensorFlow GraphDef use --tf" : ""));
        }
        int opset = opset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ImportException(file + ": opset " + (opset < 0 ? "missing" : opset) + " is outside the supported range "
                    + MIN_OPSET + ".." + MAX_OPSET + "; re-export with opset_version between them");
        }
        return withExternalData(file, model);
    }

    /** The default-domain opset version, or -1 when the model declares none. */
    public static int opset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return (int) id.getVersion();
            }
        }
        return -1;
    }

    private static Onnx.ModelProto withExternalData(Path file, Onnx.ModelProto model) throws ImportException {
        Onnx.GraphProto graph = model.getGraph();
        boolean external = graph.getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL);
        if (!external) {
            return model;
        }
        List<Onnx.TensorProto> loaded = new ArrayList<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            loaded.add(t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL ? load(file, t) : t);
        }
        return model.toBuilder().setGraph(graph.toBuilder().clearInitializer().addAllInitializer(loaded)).build();
    }

    private static Onnx.TensorProto load(Path file, Onnx.TensorProto t) throws ImportException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        if (location == null) {
            throw new ImportException(file + ": initializer '" + t.getName() + "' has external data without a location");
        }
        Path base = file.toAbsolutePath().getParent();
        Path data = base.resolve(location).normalize();
        if (!data.startsWith(base)) {
            throw new ImportException(file + ": initializer '" + t.getName() + "': external data location '" + location
                    + "' points outside the model's folder");
        }
        if (!Files.isRegularFile(data)) {
            throw new ImportException(file + ": initializer '" + t.getName() + "' needs external data file " + data
                    + ", which does not exist (copy it next to the model)");
        }
        try (RandomAccessFile raf = new RandomAccessFile(data.toFile(), "r")) {
            long available = raf.length() - offset;
            long n = length >= 0 ? length : available;
            if (offset < 0 || n > available || n > Integer.MAX_VALUE) {
                throw new ImportException(data + ": external data of initializer '" + t.getName() + "' needs bytes "
                        + offset + ".." + (offset + n) + ", the file has " + raf.length());
            }
            byte[] bytes = new byte[(int) n];
            raf.seek(offset);
            raf.readFully(bytes);
            return t.toBuilder().clearExternalData().setDataLocation(Onnx.TensorProto.DataLocation.DEFAULT)
                    .setRawData(ByteString.copyFrom(bytes)).build();
        } catch (IOException e) {
            throw new ImportException(data + ": cannot read external data of '" + t.getName() + "': " + e.getMessage(), e);
        }
    }
}
