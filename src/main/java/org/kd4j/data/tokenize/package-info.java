/**
 * BERT WordPiece tokenisation, id for id identical to Hugging Face {@code tokenizers} (the Rust library
 * behind {@code transformers}' fast BERT tokenizer), in pure Java.
 *
 * <p>{@link org.kd4j.data.tokenize.BertTokenizer} is the entry point: load a bundled vocabulary, a
 * vocab.txt, a tokenizer.json or a model directory, then {@code encode(textA, textB, maxLength)}. The
 * pipeline classes mirror the Rust components: {@code AddedVocabulary} (special tokens matched in the raw
 * text), {@code BertNormalizer}, {@code BertPreTokenizer}, {@code WordPiece} and {@code Truncation}
 * (longest first). Character classes use the Unicode 8.0 tables of the Rust side ({@code HfUnicodeTables}),
 * so results do not depend on the JDK's Unicode version. The tests compare every step with the real
 * library through DJL.
 *
 * <p>{@link org.kd4j.data.tokenize.TokenizerBenchmark} measures single-thread throughput.
 */
package org.kd4j.data.tokenize;
