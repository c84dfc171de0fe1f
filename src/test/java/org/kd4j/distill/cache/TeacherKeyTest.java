package org.kd4j.distill.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;
import org.kd4j.util.Hashing;

/** The teacher-model and import keys: what changes them, what does not, and that caches of the previous version still hit. */
class TeacherKeyTest {

    @TempDir
    Path dir;
    Path train;

    @BeforeEach
    void files() throws IOException {
        train = Files.writeString(dir.resolve("train.tsv"), "sentence\tlabel\ngood\t1\nbad\t0\n");
    }

    private TeacherKey key(String yaml, String encoder, Path file, String tokenizer, int maxLength) {
        return new TeacherKey("cnn", yaml, encoder, "SST-2", file, "all", tokenizer, maxLength, 32, true);
    }

    @Test
    void equalInputsGiveTheSameKeyAndEveryInputChangesIt() throws IOException {
        String base = key("model: cnn\n", "", train, "vocab:abc", 64).hash();
        assertTrue(base.matches("[0-9a-f]{64}"), base);
        Path copy = Files.copy(train, dir.resolve("copy.tsv"));
        assertEquals(base, key("model: cnn\n", "", copy, "vocab:abc", 64).hash(), "contents count, not paths");
        Path edited = Files.writeString(dir.resolve("edited.tsv"), "sentence\tlabel\ngood\t1\nbad\t1\n");
        List<String> changed = List.of(
                key("model: bilstm\n", "", train, "vocab:abc", 64).hash(),
                key("model: cnn\n", "ab12", train, "vocab:abc", 64).hash(),
                key("model: cnn\n", "", edited, "vocab:abc", 64).hash(),
                key("model: cnn\n", "", train, "vocab:abd", 64).hash(),
                key("model: cnn\n", "", train, "vocab:abc", 128).hash(),
                new TeacherKey("cnn", "model: cnn\n", "", "SST-2", train, "limit=10", "vocab:abc", 64, 32, true).hash(),
                new TeacherKey("cnn", "model: cnn\n", "", "SST-2", train, "all", "vocab:abc", 64, 16, true).hash(),
                new TeacherKey("cnn", "model: cnn\n", "", "SST-2", train, "all", "vocab:abc", 64, 32, false).hash(),
                new TeacherKey("cnn", "model: cnn\n", "", "MRPC", train, "all", "vocab:abc", 64, 32, true).hash());
        Set<String> all = new HashSet<>(changed);
        all.add(base);
        assertEquals(changed.size() + 1, all.size(), "every change gives a distinct key: " + changed);
    }

    @Test
    void theHashIsTheOneTheInlineKeyOfTheLastVersionMadeSoCachedTeachersStillHit() {
        // the key TeacherPool built inline before the cache keys were unified
        String legacy = Hashing.fieldsHex("kd4j.teacher.v1", "model: cnn\n", "", "SST-2", Hashing.fileHex("training data", train),
                "all", "vocab:abc", "64", "32", "true");
        assertEquals(legacy, key("model: cnn\n", "", train, "vocab:abc", 64).hash());
        TeacherKey.Files files = key("model: cnn\n", "", train, "vocab:abc", 64).files(dir, legacy);
        assertEquals(dir.resolve("cnn-" + legacy.substring(0, 16) + ".kdm"), files.model());
        assertEquals(dir.resolve("cnn-" + legacy.substring(0, 16) + ".work"), files.work());
    }

    @Test
    void logitKeysKeepTheirHashToo() throws IOException {
        Path model = Files.write(dir.resolve("teacher.kdm"), new byte[] {1, 2, 3});
        MessageDigest md = Hashing.sha256();
        Hashing.field(md, "kd4j.logit-cache-key.v1".getBytes(StandardCharsets.UTF_8));
        Hashing.field(md, Hashing.fileSha256("model", model));
        Hashing.field(md, Hashing.fileSha256("data", train));
        Hashing.field(md, "fp".getBytes(StandardCharsets.UTF_8));
        Hashing.field(md, ByteBuffer.allocate(4).putInt(24).array());
        Hashing.field(md, "dev".getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(md.digest()), new CacheKey(model, train, "fp", 24, "dev").hash());
    }

    @Test
    void importKeysNameTheConversionByTheSourceContents() throws IOException {
        Path onnx = Files.write(dir.resolve("teacher.onnx"), new byte[] {7, 7, 7});
        Path converted = new ImportKey("bert", onnx).file(dir.resolve("imported"), "kdm");
        assertEquals(dir.resolve("imported/bert-" + Hashing.fileHex("x", onnx).substring(0, 16) + ".kdm"), converted);
        Files.write(onnx, new byte[] {7, 7, 8});
        assertTrue(!converted.equals(new ImportKey("bert", onnx).file(dir.resolve("imported"), "kdm")), "a changed source is a new file");
    }

    @Test
    void missingTrainingFileAndBadFieldsAreNamed() {
        KdException e = assertThrows(KdException.class, () -> key("x", "", dir.resolve("gone.tsv"), "fp", 8).hash());
        assertTrue(e.getMessage().contains("training data") && e.getMessage().contains("gone.tsv"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> key("x", "", train, "fp", 0));
        assertEquals("maxLength and batchSize must be positive, got 0 and 32", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> key("x", "", train, " ", 8));
    }
}
