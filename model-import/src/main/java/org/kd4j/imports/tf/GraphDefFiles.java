package org.kd4j.imports.tf;

import org.kd4j.imports.ImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/** Reads binary frozen GraphDefs ({@code .pb}) with errors that name the file and say what is wrong. */
public final class GraphDefFiles {

    private GraphDefFiles() {}

    /**
     * Parses {@code file} as a binary {@link GraphDef}.
     *
     * @throws ImportException if the file is missing, unreadable, empty, truncated or not a GraphDef
     */
    public static GraphDef read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImportException("TensorFlow graph file not found: " + file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImportException("cannot read TensorFlow graph file " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            throw new ImportException("TensorFlow graph file is empty: " + file);
        }
        GraphDef graph;
        try {
            graph = GraphDef.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ImportException("not a binary TensorFlow GraphDef, or truncated (" + bytes.length + " bytes): "
                    + file + ": " + e.getMessage(), e);
        }
        // arbitrary bytes sometimes parse as a message made of unknown fields: a real graph has named, typed nodes
        if (graph.getNodeCount() == 0 || !graph.getUnknownFields().asMap().isEmpty()) {
            throw new ImportException("not a TensorFlow GraphDef (no nodes found in " + bytes.length + " bytes): "
                    + file);
        }
        for (NodeDef node : graph.getNodeList()) {
            if (node.getName().isEmpty() || node.getOp().isEmpty()) {
                throw new ImportException("not a TensorFlow GraphDef (a node without name or op): " + file);
            }
        }
        return graph;
    }
}
