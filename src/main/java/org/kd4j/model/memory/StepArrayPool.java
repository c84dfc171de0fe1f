package org.kd4j.model.memory;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that reuses the arrays of one training step in the next. SameDiff M2.1's own
 * {@code ArrayCacheMemoryMgr} gets almost no arrays back during gradient calculation, so every step allocates all its
 * activations and gradients afresh (hundreds of MB at 32 x 128 tokens), and the old ones wait for the garbage
 * collector: allocation took as much time as the ops themselves, and memory followed the JVM limits.
 *
 * <p>Here every array handed out is a view of a pooled flat buffer of its data type and size class (sizes are rounded
 * up to 4, 5, 6 or 7 times a power of two: at most a quarter wasted), so arrays of different shapes reuse the same
 * buffers: dynamic padding makes a new shape at almost every step, and pooling by exact shape freed and reallocated a
 * step's worth of arrays each time (resident memory of a bge-small fine-tuning on SST-2 swung between 6 and 7.6 GB).
 * {@link #recycle()} (called by the trainer at the start of each step, when nothing from the previous step is still in
 * use) makes every buffer available again, and a buffer whose array SameDiff releases earlier is reusable at once.
 * Size classes unused for {@value #IDLE_STEPS} steps are freed when the pool holds more than its byte budget.
 */
public final class StepArrayPool extends AbstractMemoryMgr {

    static final int IDLE_STEPS = 2;

    private record Key(DataType type, long capacity) { }

    private static final class Entry {
        final ArrayDeque<INDArray> free = new ArrayDeque<>();
        long lastUsed;
        long bytesEach;
    }

    /** A handed-out array's buffer and its size class. */
    private record Lease(Key key, INDArray buffer) { }

    private final long budgetBytes;
    private final Map<Key, Entry> entries = new HashMap<>();
    private final Map<INDArray, Lease> inUse = new IdentityHashMap<>();
    private long step;
    private long pooledBytes;
    private long created;
    private long reused;

    /** @param budgetBytes bytes the pool may keep beyond what the last few steps used */
    public StepArrayPool(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    @Override
    public synchronized INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return take(dataType, 'c', shape);
    }

    @Override
    public synchronized INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.empty(descriptor.dataType());
        }
        return take(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape());
    }

    /** The size class of {@code n} elements: the smallest 4, 5, 6 or 7 times a power of two that holds them. */
    static long sizeClass(long n) {
        if (n <= 8) {
            return Math.max(1, n);
        }
        int shift = 63 - Long.numberOfLeadingZeros(n) - 2; // n = m * 2^shift with 4 <= m < 8
        long m = (n + (1L << shift) - 1) >> shift;
        return m << shift;
    }

    private INDArray take(DataType type, char order, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0) {
            return Nd4j.create(type, shape, order);
        }
        Key key = new Key(type, sizeClass(n));
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        e.lastUsed = step;
        INDArray buffer = e.free.pollFirst();
        if (buffer == null) {
            buffer = Nd4j.createUninitializedDetached(type, 'c', key.capacity());
            e.bytesEach = key.capacity() * type.width();
            pooledBytes += e.bytesEach;
            created++;
        } else {
            reused++;
        }
        INDArray a = Nd4j.create(buffer.data(), shape, Nd4j.getStrides(shape, order), 0, order);
        inUse.put(a, new Lease(key, buffer));
        return a;
    }

    @Override
    public synchronized void release(INDArray array) {
        Lease lease = inUse.remove(array);
        if (lease != null) {
            entries.get(lease.key()).free.addFirst(lease.buffer());
        }
    }

    /**
     * Makes every array handed out so far reusable: call only when no array from earlier runs of the session is still
     * referenced (the start of a training step). Frees idle shapes beyond the budget.
     */
    public synchronized void recycle() {
        for (Lease lease : inUse.values()) {
            entries.get(lease.key()).free.addFirst(lease.buffer());
        }
        inUse.clear();
        step++;
        if (pooledBytes > budgetBytes) {
            Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
            while (it.hasNext() && pooledBytes > budgetBytes) {
                Entry e = it.next().getValue();
                if (step - e.lastUsed > IDLE_STEPS) {
                    for (INDArray a : e.free) {
                        pooledBytes -= e.bytesEach;
                        close(a);
                    }
                    it.remove();
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        Set<INDArray> all = Collections.newSetFromMap(new IdentityHashMap<>());
        entries.values().forEach(e -> all.addAll(e.free));
        inUse.values().forEach(lease -> all.add(lease.buffer()));
        all.forEach(StepArrayPool::close);
        entries.clear();
        inUse.clear();
        pooledBytes = 0;
    }

    private static void close(INDArray a) {
        if (a.closeable()) {
            a.close();
        }
    }

    /**
     * Makes {@code pool} the memory manager of the sessions that run {@code sd}'s gradient function (built by the first
     * gradient calculation, which must have happened). Returns the pool.
     */
    public static StepArrayPool attachToGradients(org.nd4j.autodiff.samediff.SameDiff sd, StepArrayPool pool) {
        org.nd4j.autodiff.samediff.SameDiff grad = sd.getFunction("grad");
        if (grad == null) {
            throw new IllegalStateException("the graph has no gradient function yet; compute gradients once first");
        }
        grad.getSessions().values().forEach(session -> session.setMmgr(pool));
        return pool;
    }

    /** Bytes held by the pool (free and in use). */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Arrays created and arrays reused since the pool was made. */
    public synchronized long[] counts() {
        return new long[] {created, reused};
    }
}
