package org.kd4j.export;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LSTM weights between ND4J's {@code lstmLayer} layout and ONNX's {@code LSTM} layout. ND4J keeps one direction's
 * input weights as {@code [in, 4 units]} with the gate blocks as columns in the order input, forget, cell, output
 * (measured: another order fails {@code StudentOnnxWriterTest}); ONNX keeps {@code [4 units, in]} with the blocks
 * as rows in the order input, output, forget, cell. ND4J has one bias per gate, ONNX two (input and recurrence),
 * which it adds.
 */
public final class LstmGates {

    private enum Gate { INPUT, FORGET, CELL, OUTPUT }

    private static final List<Gate> ND4J = List.of(Gate.INPUT, Gate.FORGET, Gate.CELL, Gate.OUTPUT);
    private static final List<Gate> ONNX = List.of(Gate.INPUT, Gate.OUTPUT, Gate.FORGET, Gate.CELL);

    private LstmGates() {}

    /** ND4J {@code [in, 4 units]} to ONNX {@code [4 units, in]} (one direction). */
    public static INDArray toOnnx(INDArray nd4j, int units) {
        List<INDArray> rows = new ArrayList<>();
        for (Gate g : ONNX) {
            int at = ND4J.indexOf(g) * units;
            rows.add(nd4j.get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + units)).transpose());
        }
        return Nd4j.concat(0, rows.toArray(new INDArray[0]));
    }

    /** ONNX {@code [4 units, in]} to ND4J {@code [in, 4 units]} (one direction). */
    public static INDArray toNd4j(INDArray onnx, int units) {
        List<INDArray> columns = new ArrayList<>();
        for (Gate g : ND4J) {
            int at = ONNX.indexOf(g) * units;
            columns.add(onnx.get(NDArrayIndex.interval(at, at + units), NDArrayIndex.all()).transpose());
        }
        return Nd4j.concat(1, columns.toArray(new INDArray[0]));
    }

    /** ND4J's bias {@code [4 units]} as ONNX's {@code [8 units]}: the input bias reordered, a zero recurrence bias. */
    public static INDArray biasToOnnx(INDArray nd4j, int units) {
        INDArray reordered = toOnnx(nd4j.reshape(1, 4L * units), units).reshape(4L * units);
        return Nd4j.concat(0, reordered, Nd4j.zeros(reordered.dataType(), 4L * units));
    }

    /** ONNX's bias {@code [8 units]} as ND4J's {@code [4 units]}: input and recurrence biases added, reordered. */
    public static INDArray biasToNd4j(INDArray onnx, int units) {
        INDArray flat = onnx.reshape(8L * units);
        INDArray sum = flat.get(NDArrayIndex.interval(0, 4L * units)).add(flat.get(NDArrayIndex.interval(4L * units, 8L * units)));
        return toNd4j(sum.reshape(4L * units, 1), units).reshape(4L * units);
    }
}
