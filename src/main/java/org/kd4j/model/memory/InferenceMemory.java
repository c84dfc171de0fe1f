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
 * {@link ArrayCacheMemoryMgr} that keeps released arrays up to a quarter of the off-heap limit ({@code maxbytes}): 1 GB
 * per session under kd4j's defaults, for every graph still alive (teachers, student variants, replicas, their worker
 * threads). Fine-tuning MiniLM at 32 x 64 sat at 7.5 GB resident with those caches; this keeps each one to
 * {@value #CACHE_BYTES} bytes, which holds a forward pass's arrays at the sizes kd4j runs.
 */
public final class InferenceMemory {

    /** Bytes each inference session may keep for reuse. */
    public static final long CACHE_BYTES = 256L << 20;

    private final Set<InferenceSession> bounded = Collections.newSetFromMap(new WeakHashMap<>());

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
