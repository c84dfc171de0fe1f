package org.kd4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny SST-2-shaped task that a model can learn: each sentence is filler words plus one sentiment word that decides
 * its label. Seeded; the word lists are parameters so that a small vocabulary can cover them.
 */
public final class SyntheticSst2 {

    public static final String[] FILLER = {"the", "movie", "was", "a", "plot", "story", "and", "it", "really", "film"};
    public static final String[][] SENTIMENT = {{"awful", "boring", "bad"}, {"great", "wonderful", "good"}};

    /** One sentence and its label (0 negative, 1 positive). */
    public record Row(String sentence, int label) { }

    private SyntheticSst2() {}

    public static List<Row> rows(int n, long seed, String[] filler, String[][] sentiment) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(2);
            int words = 3 + random.nextInt(6);
            int at = random.nextInt(words);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < words; w++) {
                sb.append(w == 0 ? "" : " ").append(w == at ? sentiment[label][random.nextInt(sentiment[label].length)]
                        : filler[random.nextInt(filler.length)]);
            }
            rows.add(new Row(sb.toString(), label));
        }
        return rows;
    }

    /** Writes {@code <dir>/glue/SST-2/<split>.tsv} with the default words. */
    public static void write(Path dir, String split, int n, long seed) throws IOException {
        write(dir, split, n, seed, FILLER, SENTIMENT);
    }

    /** Writes {@code <dir>/glue/SST-2/<split>.tsv} in GLUE's layout (header, sentence TAB label). */
    public static void write(Path dir, String split, int n, long seed, String[] filler, String[][] sentiment) throws IOException {
        List<String> lines = new ArrayList<>(List.of("sentence\tlabel"));
        for (Row r : rows(n, seed, filler, sentiment)) {
            lines.add(r.sentence() + " \t" + r.label());
        }
        Path file = dir.resolve("glue/SST-2/" + split + ".tsv");
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }
}
