package org.kd4j.model.memory;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;

/**
 * Bounds the array cache of SameDiff's inference sessions. M2.1 gives each session (one per graph and thread) an
 * {@link ArrayCacheMemoryMgr} that keeps released arrays up to a quarter of the off-heap limit ({@code maxbytes}), for
 * every graph still alive (teachers, student variants, replicas, their worker threads): the more memory a user gives
 * the JVM, the more each cache keeps. This caps each one at {@value #CACHE_BYTES} bytes, what kd4j's defaults (4 GB
 * off-heap) give anyway. Smaller caps cost speed: at 256 MB the SEAD student's inference at 32 x 128 fell from 118 to
 * 99 examples/s ({@code bench student}, one run each), as a forward pass's arrays no longer fit.
 */
public final class InferenceMemory {

    /** Bytes each inference session may keep for reuse. */
    public static final long CACHE_BYTES = 1024L << 20;

    private final Set<InferenceSession> bounded = Collections.newSetFromMap(new WeakHashMap<>());

    /**
     * Frees the arrays every inference session of {@code sd} keeps and drops the sessions (the next inference makes a
     * new one). Call when no inference of {@code sd} is running.
     */
    public synchronized void release(SameDiff sd) {
        Map<Long, InferenceSession> sessions = sd.getSessions();
        for (InferenceSession session : sessions.values()) {
            if (session.getMmgr() != null) {
                session.getMmgr().close();
            }
            bounded.remove(session);
        }
        sessions.clear();
    }

    /** Gives every session of {@code sd} without one a bounded cache (call after running the graph on a thread). */
    public synchronized void bound(SameDiff sd) {
        Map<Long, InferenceSession> sessions = sd.getSessions();
        for (InferenceSession session : sessions.values()) {
            if (bounded.add(session)) {
                double fraction = Math.min(0.25, (double) CACHE_BYTES / Math.max(CACHE_BYTES, org.bytedeco.javacpp.Pointer.maxBytes()));
                session.setMmgr(new ArrayCacheMemoryMgr(fraction, 1024, 2.0));
            }
        }
    }
}
