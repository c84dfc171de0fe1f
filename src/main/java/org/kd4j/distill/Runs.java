package org.kd4j.distill;

import org.kd4j.model.TextClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small helpers shared by the run's steps. */
final class Runs {

    private Runs() {}

    static long parameterCount(TextClassifier model) {
        return model.parameters().values().stream().mapToLong(INDArray::length).sum();
    }
}
