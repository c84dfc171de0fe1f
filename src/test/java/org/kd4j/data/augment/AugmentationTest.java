package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.testing.SyntheticSst2;

class AugmentationTest {

    @TempDir Path dir;

    private static Example single(int i, String text) {
        return new Example(String.valueOf(i), i + 1, text, null, 0, Double.NaN);
    }

    private static Example pair(int i, String a, String b) {
        return new Example(String.valueOf(i), i + 1, a, b, 0, Double.NaN);
    }

    private static List<Example> films(int n, long seed) {
        List<Example> out = new ArrayList<>();
        int i = 0;
        for (SyntheticSst2.Row r : SyntheticSst2.rows(n, seed, SyntheticSst2.FILLER, SyntheticSst2.SENTIMENT)) {
            out.add(single(i++, r.sentence()));
        }
        return out;
    }

    private static String run(GlueTask task, List<Example> train, List<Example> dev, AugmentSettings s) throws IOException {
        StringWriter out = new StringWriter();
        Augmentation.write(task, train, dev, s, HandTagger.FILM, out, Augmentation.Listener.none());
        return out.toString();
    }

    @Test
    void theSameSeedGivesTheSameFileAndAnotherSeedAnother() throws IOException {
        List<Example> train = films(50, 1);
        AugmentSettings s = AugmentSettings.defaults().withFactor(10);
        String first = run(GlueTask.SST2, train, List.of(), s);
        assertEquals(first, run(GlueTask.SST2, train, List.of(), s));
        assertNotEquals(first, run(GlueTask.SST2, train, List.of(), s.withSeed(43)));
        assertTrue(first.lines().count() > 50, first);
    }

    @Test
    void anExamplesSamplesDependOnItsIndexAloneNotOnTheExamplesBefore() throws IOException {
        // each example draws from its own seeded source: changing example 0 leaves example 1's lines as they were
        // (no POS replacement here, since the lexicon depends on every example)
        AugmentSettings s = new AugmentSettings(20, 0.2, 0, 0.5, 3, 42, "[MASK]");
        String second = "a movie was great .";
        assertEquals(linesOfSecond(List.of(single(0, "the film is good"), single(1, second)), s),
                linesOfSecond(List.of(single(0, "the plot is bad and dull"), single(1, second)), s));
    }

    private static String linesOfSecond(List<Example> train, AugmentSettings s) throws IOException {
        StringWriter out = new StringWriter();
        List<Integer> ends = new ArrayList<>();
        Augmentation.write(GlueTask.SST2, train, List.of(), s, HandTagger.FILM, out,
                (done, total, lines) -> ends.add(out.toString().length()));
        String lines = out.toString().substring(ends.get(0), ends.get(1));
        assertFalse(lines.isEmpty());
        return lines;
    }

    @Test
    void noLineEqualsItsOriginalOrAnEarlierLine() throws IOException {
        List<Example> train = List.of(single(0, "the film is good"), single(1, "the plot was bad ."));
        StringWriter out = new StringWriter();
        Augmentation.Summary summary = Augmentation.write(GlueTask.SST2, train, List.of(), AugmentSettings.defaults()
                .withFactor(200), HandTagger.FILM, out, Augmentation.Listener.none());
        List<String> lines = out.toString().lines().toList();
        assertEquals(new HashSet<>(lines).size(), lines.size(), "a line repeated");
        assertFalse(lines.contains("the film is good"));
        assertFalse(lines.contains("the plot was bad ."));
        assertTrue(summary.identical() > 0 && summary.repeated() > 0, summary.toString());
        assertEquals(summary.drawn(), summary.written() + summary.identical() + summary.repeated() + summary.inDev());
        assertEquals(400, summary.drawn());
        assertEquals(lines.size(), summary.written());
    }

    @Test
    void linesEqualToADevExampleAfterNormalisationAreDropped() throws IOException {
        // one-word n-grams of "good film": "good" and "film"; the dev set holds " GOOD " (the same after normalisation)
        List<Example> train = List.of(single(0, "good film"));
        AugmentSettings s = new AugmentSettings(50, 0, 0, 1, 1, 7, "[MASK]");
        StringWriter out = new StringWriter();
        Augmentation.Summary summary = Augmentation.write(GlueTask.SST2, train, List.of(single(0, " GOOD ")), s,
                HandTagger.FILM, out, Augmentation.Listener.none());
        assertEquals("film\n", out.toString());
        assertTrue(summary.inDev() > 10, summary.toString()); // every draw of "good"
        assertEquals(49, summary.inDev() + summary.repeated());
        // without the dev example both words are written
        assertEquals(Set.of("good", "film"), Set.copyOf(run(GlueTask.SST2, train, List.of(), s).lines().toList()));
    }

    @Test
    void pairsAreAugmentedPerSideAndWrittenTabSeparated() throws IOException {
        List<Example> train = List.of(pair(0, "the film is good", "a movie was great"),
                pair(1, "the plot is bad", "the film was bad"));
        AugmentSettings s = new AugmentSettings(30, 0.2, 0.2, 0.5, 2, 5, "[MASK]");
        List<String> lines = run(GlueTask.MRPC, train, List.of(pair(0, "good", "great")), s).lines().toList();
        assertTrue(lines.size() > 20, lines.toString());
        Set<String> vocabulary = Set.of("the", "a", "film", "movie", "plot", "is", "was", "good", "bad", "great", "[MASK]");
        boolean cutA = false;
        boolean cutB = false;
        for (String line : lines) {
            String[] sides = line.split("\t", -1);
            assertEquals(2, sides.length, line);
            for (String side : sides) {
                assertFalse(side.isBlank(), line);
                assertTrue(vocabulary.containsAll(List.of(side.split(" "))), line);
            }
            cutA |= sides[0].split(" ").length < 4;
            cutB |= sides[1].split(" ").length < 4;
            assertNotEquals("good\tgreat", line);
        }
        assertTrue(cutA && cutB, "each side has its own n-gram draw");
    }

    @Test
    void theOutputIsWrittenLineByLineNotHeldInMemory() throws IOException {
        // 300 sentences x 2,000 draws over a vocabulary wide enough that most draws are new lines
        Map<String, String> table = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (int w = 0; w < 400; w++) {
            words.add("w" + w);
            table.put("w" + w, "T" + (w % 4));
        }
        SplittableRandom random = new SplittableRandom(9);
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 10; k++) {
                sb.append(k == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
            }
            train.add(single(i, sb.toString()));
        }
        long[] newlines = {0};
        long[] maxPending = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                newlines[0] += b == '\n' ? 1 : 0;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    newlines[0] += b[i] == '\n' ? 1 : 0;
                }
            }
        };
        Writer writer = new OutputStreamWriter(counting, StandardCharsets.UTF_8);
        Augmentation.Summary summary = Augmentation.write(GlueTask.SST2, train, List.of(),
                new AugmentSettings(2000, 0.1, 0.3, 0.25, 5, 1, "[MASK]"), new HandTagger(table), writer,
                (done, total, lines) -> maxPending[0] = Math.max(maxPending[0], lines - newlines[0]));
        writer.flush();
        assertEquals(summary.written(), newlines[0]);
        assertTrue(summary.written() > 300_000, summary.toString());
        // the writer's 8 KiB encoder buffer holds at most 4,096 lines of 2 bytes or more; the rest reached the stream
        assertTrue(maxPending[0] <= 4096, "lines produced but not yet written: " + maxPending[0]);
    }

    @Test
    void writeFileWritesAtomicallyWithProvenanceAndLeavesNothingOnFailure() throws IOException {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 40, 1);
        SyntheticSst2.write(data, "dev", 10, 2);
        Path out = dir.resolve("out/sst2-aug.tsv");
        Augmentation.Summary summary = Augmentation.writeFile(data, GlueTask.SST2, OnBadRow.FAIL,
                AugmentSettings.defaults().withFactor(5), HandTagger.FILM, out, Augmentation.Listener.none());
        assertEquals(summary.written(), Files.readAllLines(out).size());
        assertEquals(Files.size(out), summary.bytes());
        String provenance = Files.readString(Augmentation.provenanceFile(out));
        assertTrue(provenance.contains("\"written\" : " + summary.written()), provenance);
        assertTrue(provenance.contains("\"sha256\""), provenance);

        // a failure midway through the output (here: after example 30 of 40) leaves the previous file and no temporary file
        byte[] before = Files.readAllBytes(out);
        Augmentation.Listener dies = (done, total, lines) -> {
            if (done == 30) {
                throw new IllegalStateException("interrupted after " + lines + " lines");
            }
        };
        assertThrows(IllegalStateException.class, () -> Augmentation.writeFile(data, GlueTask.SST2, OnBadRow.FAIL,
                AugmentSettings.defaults().withFactor(5).withSeed(1), HandTagger.FILM, out, dies));
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(out));
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of("sst2-aug.tsv", "sst2-aug.tsv.provenance.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
