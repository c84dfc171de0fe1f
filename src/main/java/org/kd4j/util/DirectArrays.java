package org.kd4j.util;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ND4J array's elements as an NIO buffer over its native memory, for loops in Java that read and write arrays in
 * place (element {@code i} in c order at index {@code i}). Bulk copies between such a buffer and a Java array cost a
 * memory copy, where an ND4J op costs a JNI call and often a new native array.
 */
public final class DirectArrays {

    private DirectArrays() {
    }

    /** Whether {@code array} is float or double, in c order and contiguous, so {@link #floats} or {@link #doubles} read it. */
    public static boolean readable(INDArray array) {
        return (array.dataType() == DataType.FLOAT || array.dataType() == DataType.DOUBLE) && contiguous(array)
                && array.length() <= Integer.MAX_VALUE;
    }

    /** The elements of a contiguous c-order float array (a view reads and writes its base array's elements). */
    public static FloatBuffer floats(INDArray array) {
        require(array, DataType.FLOAT);
        FloatBuffer buffer = array.data().asNioFloat().slice();
        return buffer.slice(first(array, buffer.capacity()), (int) array.length());
    }

    /** The elements of a contiguous c-order double array (a view reads and writes its base array's elements). */
    public static DoubleBuffer doubles(INDArray array) {
        require(array, DataType.DOUBLE);
        DoubleBuffer buffer = array.data().asNioDouble().slice();
        return buffer.slice(first(array, buffer.capacity()), (int) array.length());
    }

    private static boolean contiguous(INDArray array) {
        return array.ordering() == 'c' && (array.length() <= 1 || array.elementWiseStride() == 1);
    }

    private static void require(INDArray array, DataType type) {
        if (array.dataType() != type) {
            throw new IllegalArgumentException("direct array: expected a " + type + " array, got " + array.dataType());
        }
        if (!contiguous(array)) {
            throw new IllegalArgumentException("direct array: expected a contiguous c-order array, got order "
                    + array.ordering() + " and strides " + Arrays.toString(array.stride()));
        }
        if (array.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("direct array: " + array.length() + " elements, at most "
                    + Integer.MAX_VALUE + " allowed");
        }
    }

    /**
     * The index of the array's first element in its buffer as {@code asNio*().slice()} gives it: that buffer starts at
     * {@code data().offset()}, which is the view's {@code offset()} in M2.1 (the difference, 0, is taken in case a view
     * ever counts from its buffer).
     */
    private static int first(INDArray array, int capacity) {
        long first = array.offset() - array.data().offset();
        if (first < 0 || first + array.length() > capacity) {
            throw new IllegalArgumentException("direct array: " + array.length() + " elements from element " + first
                    + " of a buffer of " + capacity);
        }
        return (int) first;
    }
}
