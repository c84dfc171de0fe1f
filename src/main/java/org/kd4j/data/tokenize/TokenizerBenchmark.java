package org.kd4j.data.tokenize;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;

/**
 * Single-thread throughput of {@link BertTokenizer#encode}: warm-up passes, then timed passes over all
 * sentences; every id goes into a checksum so the JIT cannot drop the work.
 */
public final class TokenizerBenchmark {

    private static final Logger LOG = LogManager.getLogger(TokenizerBenchmark.class);

    /**
     * The outcome of a run.
     *
     * @param tokenizer {@link BertTokenizer#describe()}
     * @param sentences sentences per pass
     * @param tokensPerPass ids produced per pass, special tokens included
     * @param passSeconds wall time of each timed pass, in order
     * @param checksum sum of all ids of one pass (identical across passes)
     */
    public record Result(String tokenizer, int sentences, long tokensPerPass, double[] passSeconds, long checksum) {

        public Result {
            passSeconds = passSeconds.clone();
        }

        @Override
        public double[] passSeconds() {
            return passSeconds.clone();
        }

        /** Sentences per second of each pass, ascending. */
        double[] sortedRates() {
            return Arrays.stream(passSeconds).map(s -> sentences / s).sorted().toArray();
        }

        public double medianSentencesPerSecond() {
            return org.kd4j.util.Medians.of(sortedRates());
        }

        public double minSentencesPerSecond() {
            return sortedRates()[0];
        }

        public double maxSentencesPerSecond() {
            double[] r = sortedRates();
            return r[r.length - 1];
        }

        /** A Markdown table of sentences/s and tokens/s (median, min, max) with a line of context. */
        public String toMarkdown() {
            double tokensPerSentence = (double) tokensPerPass / sentences;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Tokenizer %s, %d sentences, %d timed passes, single thread%n",
                    tokenizer, sentences, passSeconds.length));
            sb.append(String.format(Locale.ROOT, "%n| metric | median | min | max |%n|---|---:|---:|---:|%n"));
            sb.append(String.format(Locale.ROOT, "| sentences/s | %,.0f | %,.0f | %,.0f |%n",
                    medianSentencesPerSecond(), minSentencesPerSecond(), maxSentencesPerSecond()));
            sb.append(String.format(Locale.ROOT, "| tokens/s | %,.0f | %,.0f | %,.0f |%n",
                    medianSentencesPerSecond() * tokensPerSentence, minSentencesPerSecond() * tokensPerSentence,
                    maxSentencesPerSecond() * tokensPerSentence));
            sb.append(String.format(Locale.ROOT, "%n%d tokens per pass, checksum %d%n", tokensPerPass, checksum));
            return sb.toString();
        }
    }

    private TokenizerBenchmark() {}

    /**
     * Times {@code repeats} passes after {@code warmups} untimed ones.
     *
     * @throws IllegalArgumentException if there are no sentences or no timed pass
     */
    public static Result run(BertTokenizer tokenizer, List<String> sentences, int warmups, int repeats,
            int maxLength) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (sentences.isEmpty() || repeats < 1 || warmups < 0) {
            throw new IllegalArgumentException("need sentences, repeats >= 1 and warmups >= 0; got "
                    + sentences.size() + " sentences, " + repeats + " repeats, " + warmups + " warmups");
        }
        String[] texts = sentences.toArray(new String[0]);
        long[] pass = new long[2];
        for (int i = 0; i < warmups; i++) {
            runPass(tokenizer, texts, maxLength, pass);
            LOG.debug("warm-up pass {}/{}", i + 1, warmups);
        }
        double[] seconds = new double[repeats];
        long checksum = 0;
        long tokens = 0;
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            runPass(tokenizer, texts, maxLength, pass);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            tokens = pass[0];
            checksum = pass[1];
            LOG.debug("pass {}/{}: {} sentences/s", i + 1, repeats, Math.round(texts.length / seconds[i]));
        }
        return new Result(tokenizer.describe(), texts.length, tokens, seconds, checksum);
    }

    private static void runPass(BertTokenizer tokenizer, String[] texts, int maxLength, long[] out) {
        long tokens = 0;
        long checksum = 0;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text, null, maxLength).inputIds();
            tokens += ids.length;
            for (int id : ids) {
                checksum += id;
            }
        }
        out[0] = tokens;
        out[1] = checksum;
    }

    /**
     * The first tab-separated column of every line after the header (GLUE .tsv files).
     *
     * @throws KdException if the file is missing or holds no line after the header
     */
    public static List<String> readFirstColumn(Path tsv) {
        List<String> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            while ((line = reader.readLine()) != null) {
                int tab = line.indexOf('\t');
                out.add(tab < 0 ? line : line.substring(0, tab));
            }
        } catch (NoSuchFileException e) {
            throw new KdException(tsv + ": file not found");
        } catch (IOException e) {
            throw new KdException(tsv + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new KdException(tsv + ": no sentences (expected a header line, then one example per line)");
        }
        return out;
    }
}
