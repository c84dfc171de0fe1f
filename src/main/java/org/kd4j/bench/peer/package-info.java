/**
 * Training peers: another framework training a model of the same shape as kd4j's (a BERT-shaped encoder
 * classifier, {@link org.kd4j.bench.peer.EncoderShape}, or the BiLSTM student, {@link
 * org.kd4j.bench.peer.BiLstmShape}), so that a benchmark can put kd4j's training speed beside it in one run.
 * The library only defines the contract ({@link org.kd4j.bench.peer.TrainingPeer}); implementations are found
 * with {@link java.util.ServiceLoader} and are not dependencies of kd4j (the PyTorch peer lives in the test
 * sources), so an application embedding kd4j never pulls a second deep-learning runtime.
 */
package org.kd4j.bench.peer;
