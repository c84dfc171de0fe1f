package org.kd4j.data.tokenize;

import java.util.Arrays;

/** A growable {@code int} array: the token ids of one text while it is encoded. */
final class IntList {

    private int[] values;
    private int size;

    IntList(int capacity) {
        values = new int[Math.max(4, capacity)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    /** Drops every value from {@code newSize} on. */
    void truncate(int newSize) {
        size = newSize;
    }

    /** Copies the first {@code count} values into {@code target} at {@code offset}. */
    void copyTo(int count, int[] target, int offset) {
        System.arraycopy(values, 0, target, offset, count);
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
