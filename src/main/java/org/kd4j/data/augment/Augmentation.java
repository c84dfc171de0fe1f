package org.kd4j.data.augment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.data.augment.PosLexicon.TaggedText;
import org.kd4j.data.glue.DataFormatException;
import org.kd4j.data.glue.Example;
import org.kd4j.data.glue.GlueDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.glue.SplitSpec;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.Hashing;

/**
 * Writes a transfer set for distillation from a task's training split with Tang et al.'s rules ({@link Augmenter}).
 * The output is one line per sample: the text, or for pair tasks the two texts separated by a tab, each side
 * augmented on its own. That is the layout {@link org.kd4j.data.glue.TransferFile} reads, so {@code data.transfer_file}
 * can point at it. The teachers then label it through the logit cache like any transfer file.
 *
 * <p>Procedure:
 * <ol>
 *   <li>Every training text is split into words ({@link Words}) and tagged in context once, in file order. The tags
 *       build the {@link PosLexicon}.</li>
 *   <li>For each training example {@code i}, {@code factor} samples are drawn from a random source seeded by
 *       {@code (seed, i)} alone. Example {@code i}'s samples therefore do not depend on the examples before it.</li>
 *   <li>A sample is dropped when its normal form ({@link Words#normalise}; for pairs, both sides) equals the original
 *       example's or any dev example's (for MNLI, both dev splits). It is also dropped when it equals a line already
 *       written, from this example or another; {@link SeenLines} remembers those in a fixed 32 MiB table and may
 *       forget a few.</li>
 *   <li>Each kept line is written at once. Memory holds the training set, its tags, the dev set's normal forms and
 *       the fixed table. It does not grow with the output.</li>
 * </ol>
 * {@link #writeFile} writes through {@link AtomicFiles}: the final name holds either the previous file or the complete
 * new one, never a partial file. If the run stops early, any leftover is a hidden {@code .<name>.tmp-*} file beside it.
 * Then it records the task, the training file's SHA-256, the settings, the tagger and the counts in
 * {@code <name>.provenance.json} beside the output ({@link #provenanceFile}).
 */
public final class Augmentation {

    private static final Logger LOG = LogManager.getLogger(Augmentation.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Augmentation() {}

    /** Called after each training example: examples done out of the total, and lines written so far. */
    @FunctionalInterface
    public interface Listener {
        void progress(int examplesDone, int examplesTotal, long linesWritten);

        static Listener none() {
            return (done, total, lines) -> { };
        }

        /**
         * Logs phase, examples done/total, lines, lines/s and ETA at most once per {@code intervalMillis}, and at the
         * end. The clock starts at the first example.
         */
        static Listener logging(String phase, long intervalMillis) {
            long[] clock = {0, 0}; // start, last log
            return (done, total, lines) -> {
                long now = System.nanoTime();
                if (clock[0] == 0) {
                    clock[0] = now;
                    clock[1] = now;
                }
                if (done < total && now - clock[1] < intervalMillis * 1_000_000L) {
                    return;
                }
                clock[1] = now;
                double seconds = Math.max(1e-9, (now - clock[0]) / 1e9);
                double eta = done == 0 ? 0 : seconds / done * (total - done);
                LOG.info(String.format(Locale.ROOT, "%s | %,d/%,d examples | %,d lines | %,.0f lines/s | ETA %dm%02ds",
                        phase, done, total, lines, lines / seconds, Math.round(eta) / 60, Math.round(eta) % 60));
            };
        }
    }

    /**
     * What a run did.
     *
     * @param examples training examples read
     * @param drawn samples drawn ({@code examples x factor})
     * @param written lines written
     * @param identical samples dropped because they equal their original example
     * @param repeated samples dropped because they equal a line written before (of any example)
     * @param inDev samples dropped because they equal a dev example
     * @param bytes size of the written file (0 when written to a stream)
     * @param taggingSeconds time spent splitting and tagging the training set
     * @param seconds total time, tagging included
     * @param tagger the tagger and its model
     */
    public record Summary(int examples, long drawn, long written, long identical, long repeated, long inDev,
                          long bytes, double taggingSeconds, double seconds, String tagger) {

        Summary withBytes(long size) {
            return new Summary(examples, drawn, written, identical, repeated, inDev, size, taggingSeconds, seconds, tagger);
        }

        /** The one-line summary the command prints. */
        public String describe() {
            return String.format(Locale.ROOT, "wrote %,d lines (%,d bytes) from %,d examples x %,d draws in %.1f s "
                            + "(%,.0f lines/s, tagging %.1f s); dropped %,d identical to their original, %,d repeating "
                            + "an earlier line, %,d equal to a dev example",
                    written, bytes, examples, examples == 0 ? 0 : drawn / examples, seconds, written / Math.max(1e-9, seconds),
                    taggingSeconds, identical, repeated, inDev);
        }
    }

    /**
     * Reads {@code task}'s training and dev splits under {@code dataDir} and writes the transfer set to {@code out}
     * atomically. Every check, and the tagging, runs before the output is opened: a missing or empty training file or
     * a missing dev file is a {@link DataFormatException} naming the file, and then nothing is written.
     */
    public static Summary writeFile(Path dataDir, GlueTask task, OnBadRow onBadRow, AugmentSettings settings,
                                    WordTagger tagger, Path out, Listener listener) throws IOException {
        SplitSpec trainSplit = task.trainSplit();
        Path trainFile = GlueDataset.fileOf(dataDir, task, trainSplit);
        GlueDataset train = GlueDataset.load(trainFile, task, trainSplit, onBadRow);
        if (train.size() == 0) {
            throw new DataFormatException(trainFile, 0, "the training split holds no examples; augmentation needs at least one");
        }
        List<Example> dev = new ArrayList<>();
        for (SplitSpec split : devSplits(task)) {
            Path file = GlueDataset.fileOf(dataDir, task, split);
            if (!Files.isRegularFile(file)) {
                throw new DataFormatException(file, 0, "dev file not found (task " + task + ", split " + split.name()
                        + "); augment drops generated lines equal to a dev example and needs it; point --data-dir at a folder "
                        + "holding " + task.folder() + "/" + split.fileName());
            }
            dev.addAll(GlueDataset.load(file, task, split, onBadRow).examples());
        }
        Prepared prepared = Prepared.of(task, train.examples(), dev, tagger);
        Summary[] summary = new Summary[1];
        AtomicFiles.write(out, stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            summary[0] = prepared.generate(settings, writer, listener);
            writer.flush();
        });
        Summary done = summary[0].withBytes(Files.size(out));
        writeProvenance(provenanceFile(out), task, trainFile, settings, done);
        return done;
    }

    /** Where {@link #writeFile} records how a transfer file was made: {@code <file>.provenance.json} beside it. */
    public static Path provenanceFile(Path transferFile) {
        return transferFile.resolveSibling(transferFile.getFileName() + ".provenance.json");
    }

    private static void writeProvenance(Path file, GlueTask task, Path trainFile, AugmentSettings settings, Summary s)
            throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("method", "Tang et al. 2019, section 3.2 (masking, POS-guided replacement, n-gram sampling)");
        p.put("task", task.displayName());
        p.put("train_file", Map.of("path", trainFile.toString(), "sha256", Hashing.fileHex("training data", trainFile)));
        p.put("settings", settings.toMap());
        p.put("tagger", s.tagger());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("examples", s.examples());
        counts.put("drawn", s.drawn());
        counts.put("written", s.written());
        counts.put("dropped_identical", s.identical());
        counts.put("dropped_repeated", s.repeated());
        counts.put("dropped_dev", s.inDev());
        counts.put("bytes", s.bytes());
        p.put("counts", counts);
        AtomicFiles.write(file, JSON.writeValueAsBytes(p));
    }

    /**
     * The labeled splits other than train: {@code dev}, SuperGLUE's {@code val}, MNLI's two dev splits. Generated lines
     * equal to one of their examples are dropped.
     */
    public static List<SplitSpec> devSplits(GlueTask task) {
        return task.splits().stream().filter(s -> s.labeled() && !s.name().equals("train")).toList();
    }

    /**
     * Writes the samples of {@code train} to {@code out}, one line each, dropping those equal to their original, to an
     * example of {@code dev}, or to a line written before. The writer is flushed by the caller.
     */
    public static Summary write(GlueTask task, List<Example> train, List<Example> dev, AugmentSettings settings,
                                WordTagger tagger, Writer out, Listener listener) throws IOException {
        return Prepared.of(task, train, dev, tagger).generate(settings, out, listener);
    }

    /** The training set split and tagged, its lexicon, and the dev set's normal forms: all that generation reads. */
    private record Prepared(GlueTask task, PosLexicon lexicon, List<TaggedText> sidesA, List<TaggedText> sidesB,
                            Set<String> devForms, long startNanos, double taggingSeconds, String tagger) {

        static Prepared of(GlueTask task, List<Example> train, List<Example> dev, WordTagger tagger) {
            long start = System.nanoTime();
            PosLexicon.Builder builder = new PosLexicon.Builder(tagger);
            List<TaggedText> sidesA = new ArrayList<>(train.size());
            List<TaggedText> sidesB = task.isPair() ? new ArrayList<>(train.size()) : null;
            for (Example e : train) {
                sidesA.add(builder.add(Words.split(e.textA())));
                if (sidesB != null) {
                    sidesB.add(builder.add(Words.split(e.textB())));
                }
            }
            PosLexicon lexicon = builder.build();
            Set<String> devForms = new HashSet<>();
            for (Example e : dev) {
                devForms.add(normalForm(Words.split(e.textA()), task.isPair() ? Words.split(e.textB()) : null));
            }
            double taggingSeconds = (System.nanoTime() - start) / 1e9;
            LOG.info("{}: tagged {} training examples in {} s with {}: {} distinct words, {} tags",
                    task, train.size(), String.format(Locale.ROOT, "%.1f", taggingSeconds), tagger.describe(),
                    lexicon.vocabularySize(), lexicon.tags().size());
            return new Prepared(task, lexicon, sidesA, sidesB, devForms, start, taggingSeconds, tagger.describe());
        }

        Summary generate(AugmentSettings settings, Writer out, Listener listener) throws IOException {
            Augmenter augmenter = new Augmenter(lexicon, settings);
            int examples = sidesA.size();
            SeenLines seen = new SeenLines(SeenLines.DEFAULT_SLOTS);
            long written = 0;
            long identical = 0;
            long repeated = 0;
            long inDev = 0;
            StringBuilder line = new StringBuilder(256);
            for (int i = 0; i < examples; i++) {
                SplittableRandom random = new SplittableRandom(exampleSeed(settings.seed(), i));
                TaggedText a = sidesA.get(i);
                TaggedText b = sidesB == null ? null : sidesB.get(i);
                String original = normalForm(augmenter.original(a), b == null ? null : augmenter.original(b));
                for (int k = 0; k < settings.factor(); k++) {
                    String[] wordsA = augmenter.sample(a, random);
                    String[] wordsB = b == null ? null : augmenter.sample(b, random);
                    String form = normalForm(wordsA, wordsB);
                    if (form.equals(original)) {
                        identical++;
                    } else if (devForms.contains(form)) {
                        inDev++;
                    } else if (!seen.add(form)) {
                        repeated++;
                    } else {
                        line.setLength(0);
                        line.append(Words.join(wordsA));
                        if (wordsB != null) {
                            line.append('\t').append(Words.join(wordsB));
                        }
                        line.append('\n');
                        out.append(line);
                        written++;
                    }
                }
                listener.progress(i + 1, examples, written);
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return new Summary(examples, (long) examples * settings.factor(), written, identical, repeated, inDev, 0,
                    taggingSeconds, seconds, tagger);
        }
    }

    private static String normalForm(String[] a, String[] b) {
        return b == null ? Words.normaliseWords(a) : Words.normaliseWords(a) + "\t" + Words.normaliseWords(b);
    }

    /** A seed for example {@code index} alone: SplitMix64's finaliser over the run seed and the index. */
    static long exampleSeed(long seed, int index) {
        long z = seed + (index + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
