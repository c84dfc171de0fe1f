package org.kd4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.export.ExportMetadata;
import org.kd4j.export.OnnxOpset;
import org.kd4j.export.StudentOnnxWriter;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.TinyRuns;

/**
 * The embedding API: a run directory and its exported ONNX file classify alike; concurrent callers get the answers a
 * single caller gets; close() leaves no thread behind; errors name the file.
 */
class DistilledClassifierTest {

    private static final List<String> TEXTS = List.of("the movie was great", "a boring plot", "it was really awful and bad",
            "good film !", "the story", "wonderful");

    @TempDir static Path root;
    static Path run;
    static Path exported;

    @BeforeAll
    static void tinyRunAndItsExport() throws IOException {
        run = root.resolve("run");
        TextClassifier model = TinyRuns.write(run, ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 32, Pooling.MEAN),
                GlueTask.SST2, 24, 1);
        exported = root.resolve("export/model.onnx");
        Files.createDirectories(exported.getParent());
        Files.write(exported, StudentOnnxWriter.write(model, new ExportMetadata(GlueTask.SST2, List.of("neg", "pos"), 24),
                OnnxOpset.V17).toByteArray());
        BertTokenizer.load(run.resolve(RunDirectory.TOKENIZER).toString()).writeTokenizerJson(exported.resolveSibling("tokenizer.json"), 24);
    }

    @Test
    void aRunDirectoryAndItsExportedFileClassifyAlike() {
        try (DistilledClassifier fromRun = DistilledClassifier.load(run);
             DistilledClassifier fromFile = DistilledClassifier.load(exported)) {
            List<DistilledClassifier.Prediction> a = fromRun.classify(TEXTS);
            List<DistilledClassifier.Prediction> b = fromFile.classify(TEXTS);
            assertEquals(List.of("neg", "pos"), fromFile.labels());
            assertEquals(24, fromFile.maxLength());
            double min = 1;
            double max = 0;
            for (int i = 0; i < TEXTS.size(); i++) {
                assertEquals(a.get(i).labelId(), b.get(i).labelId(), TEXTS.get(i));
                double p = a.get(i).probabilities().get("1");
                assertEquals(p, b.get(i).probabilities().get("pos"), 1e-5);
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            // random weights of a trained scale: the texts get clearly different probabilities
            assertTrue(max - min > 0.1, a.toString());
        }
    }

    @Test
    void concurrentCallersGetWhatOneCallerGetsAndNoThreadOutlivesClose() throws Exception {
        DistilledClassifier classifier = DistilledClassifier.load(run, DistilledClassifier.Options.defaults().withWorkers(2).withBatchSize(2));
        List<DistilledClassifier.Prediction> expected = classifier.classify(TEXTS);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<DistilledClassifier.Prediction>>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int from = i % TEXTS.size();
                Callable<List<DistilledClassifier.Prediction>> call = () -> classifier.classify(TEXTS.subList(from, TEXTS.size()));
                futures.add(callers.submit(call));
            }
            for (int i = 0; i < futures.size(); i++) {
                int from = i % TEXTS.size();
                assertClose(expected.subList(from, TEXTS.size()), futures.get(i).get());
            }
        } finally {
            callers.shutdown();
        }
        // a call of 6 texts in batches of 2 ran on both workers
        assertEquals(2, workerThreads(classifier).size());
        classifier.close();
        assertEquals(List.of(), workerThreads(classifier));
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> classifier.classify(TEXTS));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        classifier.close(); // idempotent
    }

    /** Same labels, probabilities within float rounding (other batch compositions pad differently). */
    private static void assertClose(List<DistilledClassifier.Prediction> expected, List<DistilledClassifier.Prediction> found) {
        assertEquals(expected.size(), found.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).label(), found.get(i).label());
            for (String label : expected.get(i).probabilities().keySet()) {
                assertEquals(expected.get(i).probabilities().get(label), found.get(i).probabilities().get(label), 1e-5);
            }
        }
    }

    private static List<String> workerThreads(DistilledClassifier classifier) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(classifier.threadPrefix())).toList();
    }

    /**
     * ONNX Runtime as the engine: the transformer's run directory (its student exported in memory), its exported file
     * (the file itself) and a BiLSTM's run classify as kd4j's engine does, with concurrent callers; close() ends the
     * workers and the session, and later calls are refused.
     */
    @Test
    void theOnnxRuntimeEngineClassifiesAsKd4jDoes() throws Exception {
        Path bilstm = root.resolve("bilstm");
        TinyRuns.write(bilstm, ModelConfig.of(ModelType.BILSTM, 1, 12, 1, 6, 24, Pooling.MEAN), GlueTask.SST2, 24, 3);
        for (Path source : List.of(run, exported, bilstm)) {
            List<DistilledClassifier.Prediction> expected;
            try (DistilledClassifier kd4j = DistilledClassifier.load(source)) {
                expected = kd4j.classify(TEXTS);
            }
            DistilledClassifier.Options options = DistilledClassifier.Options.defaults().withWorkers(2).withBatchSize(2)
                    .withEngine(DistilledClassifier.Engine.ONNX_RUNTIME);
            DistilledClassifier ort = DistilledClassifier.load(source, options);
            assertEquals(DistilledClassifier.Engine.ONNX_RUNTIME, ort.options().engine());
            assertClose(expected, ort.classify(TEXTS));
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<DistilledClassifier.Prediction>>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    futures.add(callers.submit(() -> ort.classify(TEXTS)));
                }
                for (Future<List<DistilledClassifier.Prediction>> f : futures) {
                    assertClose(expected, f.get());
                }
            } finally {
                callers.shutdown();
            }
            ort.close();
            assertEquals(List.of(), workerThreads(ort), source.toString());
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> ort.classify(TEXTS));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            ort.close(); // idempotent: the session is closed once
        }
    }

    /**
     * On ONNX Runtime a call of one batch runs on the caller's thread (no worker is started), concurrent callers get
     * kd4j's predictions, no more runs than workers are ever in flight, and a call of several batches still goes to
     * the workers.
     */
    @Test
    void onOnnxRuntimeOneBatchRunsOnTheCallersThreadWithinTheWorkersBound() throws Exception {
        List<DistilledClassifier.Prediction> expected;
        try (DistilledClassifier kd4j = DistilledClassifier.load(run)) {
            expected = kd4j.classify(TEXTS);
        }
        DistilledClassifier ort = DistilledClassifier.load(run, DistilledClassifier.Options.defaults().withWorkers(2)
                .withBatchSize(2).withEngine(DistilledClassifier.Engine.ONNX_RUNTIME));
        try {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<DistilledClassifier.Prediction>>> futures = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    String text = TEXTS.get(i % TEXTS.size());
                    futures.add(callers.submit(() -> ort.classify(List.of(text))));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertClose(expected.subList(i % TEXTS.size(), i % TEXTS.size() + 1), futures.get(i).get());
                }
            } finally {
                callers.shutdown();
            }
            assertEquals(List.of(), workerThreads(ort), "single-batch calls start no worker");
            int most = ort.mostRunsInFlight();
            assertTrue(most >= 1 && most <= 2, "runs in flight at once: " + most + ", expected 1..2 (the workers)");
            assertClose(expected, ort.classify(TEXTS)); // 6 texts in batches of 2: 3 batches, on the workers
            assertEquals(2, workerThreads(ort).size());
        } finally {
            ort.close();
        }
        assertEquals(List.of(), workerThreads(ort));
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> ort.classify(List.of("one")));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    /**
     * Coalescing: single-sentence calls that wait for the one worker at the same time run together, at most a batch's
     * rows at a time, and each caller gets its own rows' answers. The worker is first kept busy by a call of many small
     * batches, so the callers' calls are all waiting when it comes to them.
     */
    @Test
    void coalescedCallsRunTogetherAndEachGetsItsOwnAnswers() throws Exception {
        List<DistilledClassifier.Prediction> expected;
        try (DistilledClassifier alone = DistilledClassifier.load(run)) {
            expected = alone.classify(TEXTS);
            assertEquals(0, alone.mostCallsCoalesced(), "no coalescing unless asked");
        }
        DistilledClassifier classifier = DistilledClassifier.load(run, DistilledClassifier.Options.defaults().withWorkers(1)
                .withBatchSize(4).withCoalescing(true));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                many.add(TEXTS.get(i % TEXTS.size()));
            }
            Future<List<DistilledClassifier.Prediction>> busy = callers.submit(() -> classifier.classify(many)); // 500 batches
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (classifier.queuedTasks() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(classifier.queuedTasks() >= 100, "the worker has batches queued: " + classifier.queuedTasks());
            List<Future<List<DistilledClassifier.Prediction>>> futures = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String text = TEXTS.get(i % TEXTS.size());
                futures.add(callers.submit(() -> classifier.classify(List.of(text))));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertClose(expected.subList(i % TEXTS.size(), i % TEXTS.size() + 1), futures.get(i).get());
            }
            List<DistilledClassifier.Prediction> all = busy.get();
            for (int i = 0; i < many.size(); i += 97) {
                assertClose(expected.subList(i % TEXTS.size(), i % TEXTS.size() + 1), all.subList(i, i + 1));
            }
            int most = classifier.mostCallsCoalesced();
            assertTrue(most >= 2 && most <= 4, "calls run together: " + most + ", expected 2..4 (a batch of 4 rows)");
        } finally {
            callers.shutdown();
            classifier.close();
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> classifier.classify(List.of("one")));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void coalescingIsForKd4jsEngineOnly() {
        DistilledClassifier.Options on = DistilledClassifier.Options.defaults().withBatchSize(8).withCoalescing(true);
        assertTrue(on.coalescing());
        assertEquals(8, on.batchSize());
        assertEquals(on, on.withWorkers(3).withWorkers(on.workers()));
        assertFalse(new DistilledClassifier.Options(2, 32, DistilledClassifier.Engine.KD4J).coalescing());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> on.withEngine(DistilledClassifier.Engine.ONNX_RUNTIME));
        assertEquals("coalescing: runs calls together on kd4j's engine only, found engine ONNX_RUNTIME (on ONNX Runtime a"
                + " call of one batch runs on the caller's thread)", e.getMessage());
    }

    @Test
    void optionsWithoutAnEngineAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistilledClassifier.Options.defaults().withEngine(null));
        assertEquals("engine: expected one of [KD4J, ONNX_RUNTIME], found null", e.getMessage());
        assertEquals(DistilledClassifier.Engine.KD4J, DistilledClassifier.Options.defaults().engine());
    }

    @Test
    void aRegressionStudentGivesScores() throws IOException {
        Path sts = root.resolve("stsb");
        TinyRuns.write(sts, ModelConfig.of(ModelType.CNN, 1, 8, 1, 4, 64, Pooling.MEAN), GlueTask.STSB, 24, 2);
        try (DistilledClassifier c = DistilledClassifier.load(sts)) {
            List<DistilledClassifier.Prediction> p = c.classifyPairs(List.<String[]>of(new String[] {"a movie", "a film"},
                    new String[] {"great story", "awful plot"}));
            assertNull(p.get(0).label());
            assertTrue(Double.isFinite(p.get(0).score()) && p.get(0).score() != p.get(1).score(), p.toString());
            // a pair model refuses a text alone, naming the input
            IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                    () -> c.classifyPairs(List.<String[]>of(new String[] {"a movie", "a film"}, new String[] {"a film", null})));
            assertEquals("input 1: task STS-B classifies sentence pairs; expected {textA, textB}, found one text"
                    + " (use classifyPairs)", alone.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.classify(List.of("a movie")));
        }
    }

    @Test
    void aSingleSentenceModelRefusesPairsAndTheirShapeIsChecked() {
        try (DistilledClassifier c = DistilledClassifier.load(run)) {
            IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                    () -> c.classifyPairs(List.<String[]>of(new String[] {"a movie", "a film"})));
            assertEquals("input 0: task SST-2 classifies single sentences; expected one text, found a pair", pair.getMessage());
            IllegalArgumentException three = assertThrows(IllegalArgumentException.class,
                    () -> c.classifyPairs(List.<String[]>of(new String[] {"a"}, new String[] {"a", null, "c"})));
            assertEquals("input 1: expected one text or a pair, found 3 texts", three.getMessage());
            // {text} and {text, null} are both one text
            assertEquals(c.classify(List.of("a movie")).get(0).probabilities(),
                    c.classifyPairs(List.<String[]>of(new String[] {"a movie"})).get(0).probabilities());
            NullPointerException none = assertThrows(NullPointerException.class, () -> c.classify(null));
            assertEquals("texts", none.getMessage());
        }
    }

    @Test
    void anUnknownTaskInTheLabelsFileNamesIt() throws IOException {
        Path bad = copyRun("bad-task");
        Path labels = bad.resolve(RunDirectory.LABELS);
        Files.writeString(labels, Files.readString(labels).replace("\"SST-2\"", "\"SST-9\""));
        KdException e = assertThrows(KdException.class, () -> DistilledClassifier.load(bad));
        assertTrue(e.getMessage().startsWith(labels + ": field 'task': unknown task 'SST-9'"), e.getMessage());
    }

    @Test
    void aLabelsFileWithTheWrongLabelCountNamesIt() throws IOException {
        Path bad = copyRun("bad-labels");
        Path labels = bad.resolve(RunDirectory.LABELS);
        Files.writeString(labels, Files.readString(labels).replace("\"labels\" : [ \"0\", \"1\" ]", "\"labels\" : [ \"0\", \"1\", \"2\" ]"));
        KdException e = assertThrows(KdException.class, () -> DistilledClassifier.load(bad));
        assertTrue(e.getMessage().startsWith(labels + ": field 'labels': task SST-2 has 2 labels [0, 1], found 3"), e.getMessage());
    }

    @Test
    void aTokenizerLargerThanTheModelsVocabularyNamesBoth() throws IOException {
        Path bad = copyRun("bad-vocab");
        Path tokenizer = bad.resolve(RunDirectory.TOKENIZER);
        Files.write(tokenizer.resolve("vocab.txt"), List.of("extra1", "extra2"), java.nio.file.StandardOpenOption.APPEND);
        KdException e = assertThrows(KdException.class, () -> DistilledClassifier.load(bad));
        assertTrue(e.getMessage().startsWith(bad.resolve(RunDirectory.MODEL) + ": the model's token embedding table has "), e.getMessage());
        assertTrue(e.getMessage().contains("the tokenizer " + tokenizer + " has"), e.getMessage());
    }

    @Test
    void anExportWithoutItsTokenizerOrMetadataNamesTheFile() throws IOException {
        Path lonely = root.resolve("lonely/model.onnx");
        Files.createDirectories(lonely.getParent());
        Files.copy(exported, lonely);
        KdException e = assertThrows(KdException.class, () -> DistilledClassifier.load(lonely));
        assertTrue(e.getMessage().startsWith(lonely + ": its tokenizer " + lonely.resolveSibling("tokenizer.json") + " is missing"),
                e.getMessage());

        Files.copy(exported.resolveSibling("tokenizer.json"), lonely.resolveSibling("tokenizer.json"));
        onnx.Onnx.ModelProto proto = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(exported));
        Files.write(lonely, proto.toBuilder().clearMetadataProps().build().toByteArray());
        e = assertThrows(KdException.class, () -> DistilledClassifier.load(lonely));
        assertTrue(e.getMessage().startsWith(lonely + ": metadata 'kd4j.task' is missing"), e.getMessage());
    }

    private static Path copyRun(String name) throws IOException {
        Path copy = root.resolve(name);
        try (var files = Files.walk(run)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }
}
