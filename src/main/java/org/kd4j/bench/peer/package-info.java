/**
 * Training peers: another framework training the same BERT-shaped encoder classifier ({@link
 * org.kd4j.bench.peer.EncoderShape}), so that a benchmark can put kd4j's training speed beside it in one run.
 * The library only defines the contract ({@link org.kd4j.bench.peer.TrainingPeer}); implementations are found
 * with {@link java.util.ServiceLoader} and are not dependencies of kd4j (the PyTorch peer lives in the test
 * sources), so an application embedding kd4j never pulls a second deep-learning runtime.
 */
package org.kd4j.bench.peer;
