package org.kd4j.util;

import org.kd4j.KdException;
import org.kd4j.export.OrtStudent;

/** {@link OnnxRuntimeLaunchTest}'s child JVM: opens an ONNX Runtime session and reports the refusal (exit 3). */
public final class LongCommandLineChild {

    private LongCommandLineChild() {
    }

    public static void main(String[] args) {
        try {
            new OrtStudent(new byte[0], "child.onnx", 1).close();
            System.out.println("ONNX Runtime started");
            System.exit(0);
        } catch (KdException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
