package org.kd4j.examples.consumer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kd4j.KdException;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.api.DistilledClassifier.Prediction;

/**
 * Classifies texts with a distilled student, the way an application that embeds kd4j does: through
 * {@link DistilledClassifier} only.
 *
 * <pre>
 * java -cp ... org.kd4j.examples.consumer.Classify RUN_DIR [TEXT ...]
 * </pre>
 *
 * With no {@code TEXT}, reads one text per line from standard input (blank lines skipped). For a sentence-pair task
 * (MRPC, STS-B, ...) each text is a pair, its two texts separated by a tab. Writes one line per text to
 * standard output: the label, the probability of every label as {@code label=p} with four decimals, and the text,
 * separated by tabs ({@code score=...} in place of the probabilities for a regression task). Exit codes: 0 done,
 * 1 the model could not be loaded or run (the message names the file), 2 wrong usage.
 */
public final class Classify {

    private Classify() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            err.println("usage: Classify RUN_DIR [TEXT ...]   (no TEXT: one text per line on standard input; for a"
                    + " sentence-pair task each text is two texts separated by a tab)");
            return args.length == 0 ? 2 : 0;
        }
        List<String> texts = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : readLines();
        if (texts.isEmpty()) {
            err.println("no text to classify (arguments after RUN_DIR, or lines on standard input)");
            return 2;
        }
        try (DistilledClassifier classifier = DistilledClassifier.load(Path.of(args[0]))) {
            List<Prediction> predictions;
            if (classifier.task().isPair()) { // each text is a pair: two texts separated by a tab
                List<String[]> pairs = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    String[] pair = texts.get(i).split("\t", -1);
                    if (pair.length != 2) {
                        err.println("text " + (i + 1) + ": task " + classifier.task() + " classifies sentence pairs: expected"
                                + " two texts separated by a tab, found " + pair.length + " field(s)");
                        return 2;
                    }
                    pairs.add(pair);
                }
                predictions = classifier.classifyPairs(pairs);
            } else {
                predictions = classifier.classify(texts);
            }
            for (int i = 0; i < texts.size(); i++) {
                out.println(format(predictions.get(i)) + "\t" + texts.get(i));
            }
            return 0;
        } catch (KdException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** {@code label<TAB>l0=p0 l1=p1 ...}, or {@code -<TAB>score=s} for regression. */
    static String format(Prediction p) {
        if (p.label() == null) {
            return "-\tscore=" + String.format(Locale.ROOT, "%.4f", p.score());
        }
        StringBuilder s = new StringBuilder(p.label()).append('\t');
        for (Map.Entry<String, Double> e : p.probabilities().entrySet()) {
            if (s.charAt(s.length() - 1) != '\t') {
                s.append(' ');
            }
            s.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.4f", e.getValue()));
        }
        return s.toString();
    }

    private static List<String> readLines() throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }
}
