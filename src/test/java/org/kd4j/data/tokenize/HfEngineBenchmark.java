package org.kd4j.data.tokenize;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures, in one run and one thread, this project's tokenizer against the Hugging Face Rust tokenizer
 * through DJL (the test oracle), on the same sentences with the same settings; the figures behind the choice
 * of engine recorded in the README. A command, not a test:
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.kd4j.data.tokenize.HfEngineBenchmark -Dexec.args="datasets/glue/SST-2/train.tsv 5"
 * </pre>
 */
public final class HfEngineBenchmark {

    private HfEngineBenchmark() {}

    public static void main(String[] args) {
        Path input = Path.of(args.length > 0 ? args[0] : "datasets/glue/SST-2/train.tsv");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int maxLength = 128;
        List<String> sentences = TokenizerBenchmark.readFirstColumn(input);
        double ours = TokenizerBenchmark.run(BertTokenizer.load("bert-base-uncased"), sentences, 2, repeats, maxLength)
                .medianSentencesPerSecond();
        HfOracle hf = HfOracle.uncased(maxLength);
        String[] texts = sentences.toArray(new String[0]);
        double[] rates = new double[repeats];
        long checksum = 0;
        for (int pass = -2; pass < repeats; pass++) {
            long start = System.nanoTime();
            for (String text : texts) {
                checksum += hf.encode(text, null).inputIds().length;
            }
            if (pass >= 0) {
                rates[pass] = texts.length / ((System.nanoTime() - start) / 1e9);
            }
        }
        Arrays.sort(rates);
        double theirs = rates[repeats / 2];
        System.out.printf(Locale.ROOT, "%s: %,d sentences, 1 thread, max_length %d, median of %d passes (checksum %d)%n",
                input, texts.length, maxLength, repeats, checksum);
        System.out.printf(Locale.ROOT, "| engine | sentences/s |%n|---|---:|%n| kd4j BertTokenizer (Java) | %,.0f |%n"
                + "| HF tokenizers via DJL %s (Rust, JNI per call) | %,.0f |%n| ratio kd4j / HF | %.2f |%n",
                ours, Engine.getDjlVersion(), theirs, ours / theirs);
    }
}
