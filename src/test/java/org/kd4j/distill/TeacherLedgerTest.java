package org.kd4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.config.ConfigLoader;
import org.kd4j.config.ExperimentConfig;
import org.kd4j.distill.cache.CacheKey;
import org.kd4j.distill.cache.LogitCache;
import org.kd4j.distill.train.Progress;
import org.kd4j.util.FileTrees;
import org.kd4j.util.Hashing;

/**
 * {@code run.teacher_ledger}: the pool keeps each teacher's receipt and logits there, and a machine without the model
 * files (a fresh clone of a repository that commits the ledger) takes the teachers from their receipts, without
 * training them, when only their logits are needed and all of them are there; otherwise it trains them again.
 */
class TeacherLedgerTest {

    private record Pooled(List<Teacher> teachers, int loaded) { }

    private static Pooled pool(Path yaml, String... overrides) {
        ExperimentConfig config = ConfigLoader.load(yaml, List.of(overrides));
        TeacherPool pool = new TeacherPool(config, new TaskData(config.task(), config.data()), Progress.off());
        List<Teacher> teachers = pool.teachers();
        return new Pooled(teachers, pool.loadedFromCache());
    }

    private static long files(Path dir, String suffix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void aMachineWithoutTheModelsTakesTheTeachersFromTheirReceiptsWhenTheLedgerHoldsTheirLogits(@TempDir Path root)
            throws Exception {
        Path cache = root.resolve("cache");
        Path ledger = root.resolve("ledger");
        Path yaml = TeacherPoolTest.twoTeachers(root, ", teacher_ledger: " + ledger);

        List<Teacher> trained = pool(yaml, "run.measure_teachers=true").teachers();
        assertTrue(trained.stream().noneMatch(Teacher::cached));
        // the ledger: a receipt per teacher with its model file's SHA-256, the train and dev logits of each, no model
        for (Teacher t : trained) {
            Path receipt = TeacherProvenance.fileOf(ledger.resolve(t.modelFile().getFileName()));
            TeacherProvenance p = TeacherProvenance.read(ledger.resolve(t.modelFile().getFileName())).orElseThrow();
            assertTrue(p.isReceipt(), receipt.toString());
            assertEquals(Hashing.fileHex("model", t.modelFile()), p.modelSha256());
            assertEquals(Files.readString(TeacherProvenance.fileOf(t.modelFile())), Files.readString(receipt));
            assertFalse(Files.readString(receipt).contains("\"receipt\""), "no derived field in the file");
        }
        assertEquals(4, files(ledger.resolve("logits"), ".logits"));
        assertEquals(0, files(ledger, ".kdm"));

        List<String> digests = trained.stream().map(Teacher::modelDigest).toList();
        // a fresh machine: no cache at all
        FileTrees.delete(cache);
        Pooled fresh = pool(yaml, "run.measure_teachers=false");
        assertEquals(0, fresh.loaded());
        assertEquals(0, files(cache.resolve("teachers"), ".kdm"), "no teacher is trained again");
        assertEquals(2, files(cache.resolve("teachers"), ".json"), "the receipts are copied into the cache");
        for (int i = 0; i < trained.size(); i++) {
            Teacher a = trained.get(i);
            Teacher b = fresh.teachers().get(i);
            assertTrue(b.cached());
            assertFalse(Files.exists(b.modelFile()));
            assertEquals(a.modelFile(), b.modelFile());
            assertEquals(digests.get(i), b.modelDigest(), "the run's provenance names the same model");
            assertEquals(a.parameters(), b.parameters());
            assertEquals(a.trainSeconds(), b.trainSeconds(), 1e-9, "the fine-tuning time comes from the receipt");
            assertEquals(a.dev().main(), b.dev().main());
            assertEquals(a.trainLogits().length, b.trainLogits().length);
            for (int r = 0; r < a.trainLogits().length; r++) {
                assertArrayEquals(a.trainLogits()[r], b.trainLogits()[r]);
            }
            for (int r = 0; r < a.devLogits().length; r++) {
                assertArrayEquals(a.devLogits()[r], b.devLogits()[r]);
            }
        }
        assertEquals(4, files(cache.resolve("logits"), ".logits"), "the ledger's logits are copied into the cache");

        // measured teachers need their models: trained again
        FileTrees.delete(cache);
        Pooled measured = pool(yaml, "run.measure_teachers=true");
        assertTrue(measured.teachers().stream().noneMatch(Teacher::cached));
        assertEquals(2, files(cache.resolve("teachers"), ".kdm"));

        // one logit file missing from the ledger: that teacher alone is trained again, the other comes from its receipt
        FileTrees.delete(cache);
        Teacher lstm = trained.get(1);
        TaskData task = new TaskData(ConfigLoader.load(yaml, List.of()).task(), ConfigLoader.load(yaml, List.of()).data());
        String sha = TeacherProvenance.read(ledger.resolve(lstm.modelFile().getFileName())).orElseThrow().modelSha256();
        Path devInLedger = new LogitCache(ledger.resolve("logits")).file(new CacheKey(lstm.modelFile(), task.devFile(),
                lstm.tokenizer().fingerprint(), 24, "dev", sha));
        assertTrue(Files.isRegularFile(devInLedger), devInLedger.toString());
        Files.delete(devInLedger);
        Pooled partial = pool(yaml, "run.measure_teachers=false");
        assertTrue(partial.teachers().get(0).cached(), "cnn: from its receipt");
        assertFalse(Files.exists(partial.teachers().get(0).modelFile()));
        assertFalse(partial.teachers().get(1).cached(), "lstm: trained again");
        assertTrue(Files.isRegularFile(partial.teachers().get(1).modelFile()));
        assertEquals(lstm.dev().main(), partial.teachers().get(1).dev().main(), 1e-6, "training is deterministic");
    }

    /**
     * The same configuration fine-tuned on another machine may give another model (it did for SST-2's teachers on
     * 2026-12-06): the ledger keeps the receipt the new one displaces, and a teacher comes from whichever receipt has
     * all its logits.
     */
    @Test
    void aTeacherFineTunedAgainIntoAnotherModelKeepsTheEarlierReceiptAndEitherServes(@TempDir Path root) throws Exception {
        Path cache = root.resolve("cache");
        Path ledger = root.resolve("ledger");
        Path yaml = TeacherPoolTest.twoTeachers(root, ", teacher_ledger: " + ledger);
        List<Teacher> trained = pool(yaml, "run.measure_teachers=false").teachers();
        Teacher cnn = trained.get(0);
        Path inLedger = ledger.resolve(cnn.modelFile().getFileName());
        TeacherProvenance made = TeacherProvenance.read(inLedger).orElseThrow();
        assertFalse(Files.exists(ledger.resolve(TeacherPool.EARLIER)), "nothing displaced yet");

        // as if another machine had fine-tuned it into another model before, whose logits the ledger lacks
        String elsewhereSha = (made.modelSha256().startsWith("0") ? "1" : "0") + made.modelSha256().substring(1);
        TeacherProvenance elsewhere = made.withModelSha256(elsewhereSha);
        TeacherProvenance.write(inLedger, elsewhere);
        FileTrees.delete(cache);
        Pooled again = pool(yaml, "run.measure_teachers=false");
        assertFalse(again.teachers().get(0).cached(), "cnn: no logits for its receipt's model, so fine-tuned again");
        assertTrue(again.teachers().get(1).cached(), "lstm: from its receipt");
        assertEquals(made.modelSha256(), TeacherProvenance.read(inLedger).orElseThrow().modelSha256(),
                "the ledger's receipt names the model made now");
        Path displaced = ledger.resolve(TeacherPool.EARLIER).resolve(elsewhereSha.substring(0, 12)).resolve(cnn.modelFile().getFileName());
        assertEquals(elsewhereSha, TeacherProvenance.read(displaced).orElseThrow().modelSha256(), "the displaced receipt is kept");

        // the other way round: the ledger's receipt names a model whose logits are not there, an earlier receipt's are
        TeacherProvenance.write(inLedger, elsewhere);
        TeacherProvenance.write(ledger.resolve(TeacherPool.EARLIER).resolve(made.modelSha256().substring(0, 12))
                .resolve(cnn.modelFile().getFileName()), made);
        FileTrees.delete(cache);
        Pooled fromEarlier = pool(yaml, "run.measure_teachers=false");
        Teacher b = fromEarlier.teachers().get(0);
        assertTrue(b.cached(), "cnn: from the earlier receipt");
        assertEquals(0, files(cache.resolve("teachers"), ".kdm"), "no teacher is fine-tuned again");
        assertEquals(made.modelSha256(), b.modelDigest(), "the run's provenance names the model whose logits it read");
        assertEquals(cnn.dev().main(), b.dev().main());
        for (int r = 0; r < cnn.trainLogits().length; r++) {
            assertArrayEquals(cnn.trainLogits()[r], b.trainLogits()[r]);
        }
        // neither receipt's logits there: fine-tuned again
        FileTrees.delete(cache);
        FileTrees.delete(ledger.resolve("logits"));
        assertFalse(pool(yaml, "run.measure_teachers=false").teachers().get(0).cached());
    }

    private static TeacherProvenance receiptOf(Path ledger, Teacher t) {
        return TeacherProvenance.read(ledger.resolve(t.modelFile().getFileName())).orElseThrow();
    }

    /** A SHA-256 other than {@code sha}, of the same form. */
    private static String otherSha(String sha) {
        return (sha.startsWith("0") ? "1" : "0") + sha.substring(1);
    }

    /**
     * Co-finetuned teachers too: all of them from their receipts, all from one joint run (when the ledger keeps
     * receipts of several), or the joint run again.
     */
    @Test
    void coFinetunedTeachersComeFromTheirReceiptsTogether(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        DistillationRunTest.writeSst2(data, "train", 48, 1);
        DistillationRunTest.writeSst2(data, "dev", 16, 2);
        Path cache = root.resolve("cache");
        Path ledger = root.resolve("ledger");
        String teacher = "{name: %s, model: {type: transformer, layers: 1, hidden: 16, heads: %d, ffn: %d, max_positions: 32,"
                + " pooling: cls}, train: {epochs: 1, learning_rate: 0.005}}";
        Path yaml = root.resolve("joint.yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 16, batch_size: 16}
                teachers: [%s, %s]
                teacher_stage: {training: cofinetuned}
                student:
                  model: {type: cnn, hidden: 8, ffn: 8}
                run: {dir: %s, cache_dir: %s, teacher_ledger: %s}
                """.formatted(data, teacher.formatted("one", 2, 32), teacher.formatted("two", 4, 16), root.resolve("run"), cache,
                ledger));
        List<Teacher> trained = pool(yaml, "run.measure_teachers=false").teachers();
        assertTrue(trained.stream().noneMatch(Teacher::cached));
        assertEquals(2, files(ledger, ".json"));
        for (Teacher t : trained) {
            assertEquals("cofinetuned", TeacherProvenance.read(ledger.resolve(t.modelFile().getFileName())).orElseThrow().training());
        }
        // each receipt names its partner's model of the same joint run
        String one = trained.get(0).modelDigest();
        String two = trained.get(1).modelDigest();
        assertEquals(Map.of("two", two), receiptOf(ledger, trained.get(0)).partnerModels());
        assertEquals(Map.of("one", one), receiptOf(ledger, trained.get(1)).partnerModels());

        FileTrees.delete(cache);
        Pooled fresh = pool(yaml, "run.measure_teachers=false");
        assertEquals(0, files(cache.resolve("teachers"), ".kdm"), "the joint run is not repeated");
        for (int i = 0; i < trained.size(); i++) {
            assertTrue(fresh.teachers().get(i).cached());
            assertEquals(trained.get(i).dev().main(), fresh.teachers().get(i).dev().main());
        }

        // as if another machine had co-finetuned them again into other models (now the ledger's current receipts, the
        // first ones kept as earlier receipts), and the ledger held that run's logits of "one" but not of "two": the
        // teachers must come from one joint run, so both come from the first run's receipts, not "one" from the new run
        ExperimentConfig config = ConfigLoader.load(yaml, List.of());
        TaskData task = new TaskData(config.task(), config.data());
        String oneAgain = otherSha(one);
        String twoAgain = otherSha(two);
        for (int i = 0; i < 2; i++) {
            Teacher t = trained.get(i);
            TeacherProvenance first = receiptOf(ledger, t);
            TeacherProvenance.write(ledger.resolve(TeacherPool.EARLIER).resolve(first.modelSha256().substring(0, 12))
                    .resolve(t.modelFile().getFileName()), first);
            TeacherProvenance.write(ledger.resolve(t.modelFile().getFileName()), first.withModelSha256(i == 0 ? oneAgain : twoAgain)
                    .withPartnerModels(i == 0 ? Map.of("two", twoAgain) : Map.of("one", oneAgain)));
        }
        Teacher first = trained.get(0);
        LogitCache inLedger = new LogitCache(ledger.resolve("logits"));
        inLedger.getOrCompute(new CacheKey(first.modelFile(), task.trainFile(), first.tokenizer().fingerprint(), 16,
                task.trainVariant(), oneAgain), first.trainLogits().length, 2, first::trainLogits);
        inLedger.getOrCompute(new CacheKey(first.modelFile(), task.devFile(), first.tokenizer().fingerprint(), 16, "dev",
                oneAgain), first.devLogits().length, 2, first::devLogits);
        FileTrees.delete(cache);
        Pooled earlier = pool(yaml, "run.measure_teachers=false");
        assertEquals(0, files(cache.resolve("teachers"), ".kdm"), "the joint run is not repeated");
        assertEquals(List.of(one, two), earlier.teachers().stream().map(Teacher::modelDigest).toList(),
                "both from the first joint run's receipts");
        assertTrue(earlier.teachers().stream().allMatch(Teacher::cached));

        // without the first run's receipt of "one", no choice comes from one joint run: both are co-finetuned again
        FileTrees.delete(ledger.resolve(TeacherPool.EARLIER).resolve(one.substring(0, 12)));
        FileTrees.delete(cache);
        Pooled mixed = pool(yaml, "run.measure_teachers=false");
        assertTrue(mixed.teachers().stream().noneMatch(Teacher::cached));
        assertEquals(2, files(cache.resolve("teachers"), ".kdm"));

        // one teacher's receipt gone: both are co-finetuned again (they are trained together or not at all)
        FileTrees.delete(cache);
        Files.delete(TeacherProvenance.fileOf(ledger.resolve(trained.get(1).modelFile().getFileName())));
        Pooled again = pool(yaml, "run.measure_teachers=false");
        assertTrue(again.teachers().stream().noneMatch(Teacher::cached));
        assertEquals(2, files(cache.resolve("teachers"), ".kdm"));
    }
}
