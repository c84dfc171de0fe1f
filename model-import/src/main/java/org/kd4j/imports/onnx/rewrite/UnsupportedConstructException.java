package org.kd4j.imports.onnx.rewrite;

import onnx.Onnx;

/** A node that the import cannot handle; the message names the node, its op type and the reason. */
public final class UnsupportedConstructException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnsupportedConstructException(Onnx.NodeProto node, String reason) {
        super("node '" + node.getName() + "' (" + node.getOpType() + "): " + reason);
    }
}
