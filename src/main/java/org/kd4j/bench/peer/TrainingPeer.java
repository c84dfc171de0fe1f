package org.kd4j.bench.peer;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Another framework training a classifier of a {@link PeerShape} (an encoder or a BiLSTM), for side-by-side
 * training benchmarks. The benchmark calls {@link #setUp} once per shape and batch, then times {@link #step()};
 * {@link #close()} frees the peer's native memory. Implementations are registered as {@link ServiceLoader} services and are not part
 * of kd4j's dependencies (see the package documentation).
 */
public interface TrainingPeer extends AutoCloseable {

    /** Framework and version, e.g. {@code "PyTorch 2.7.1 (DJL 0.36.0)"}. */
    String name();

    /**
     * Builds the model; then step() runs one full training step (forward, cross-entropy loss, backward, AdamW
     * update) on a fixed random batch of that shape.
     *
     * @param shape the encoder to build
     * @param batch examples per step
     * @param length tokens per example (see {@link PeerShape#requireLength})
     * @param seed seeds the initial weights and the random batch
     * @throws IllegalArgumentException when batch or length does not fit the shape
     * @throws Exception when the framework cannot build the model
     */
    void setUp(PeerShape shape, int batch, int length, long seed) throws Exception;

    /** One training step on the batch fixed by {@link #setUp}. */
    void step() throws Exception;

    /** Frees the model, optimizer state and batch (native memory); the peer may be set up again afterwards. */
    @Override
    void close() throws Exception;

    /** The first peer on the class path, if any. */
    static Optional<TrainingPeer> find() {
        return ServiceLoader.load(TrainingPeer.class).findFirst();
    }
}
