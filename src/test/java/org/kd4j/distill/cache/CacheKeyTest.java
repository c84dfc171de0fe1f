package org.kd4j.distill.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.KdException;

class CacheKeyTest {

    @TempDir
    Path dir;
    Path model;
    Path data;

    @BeforeEach
    void files() throws IOException {
        model = Files.write(dir.resolve("teacher.sdz"), new byte[] {1, 2, 3, 4});
        data = Files.writeString(dir.resolve("dev.tsv"), "sentence\tlabel\nhello\t1\n");
    }

    @Test
    void hashIsHexSha256AndStable() {
        CacheKey key = new CacheKey(model, data, "vocab:abc", 128, "dev");
        String hash = key.hash();
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertEquals(hash, new CacheKey(model, data, "vocab:abc", 128, "dev").hash());
    }

    @Test
    void everyFieldChangesTheHash() throws IOException {
        String base = new CacheKey(model, data, "fp", 128, "dev").hash();
        Path otherModel = Files.write(dir.resolve("m2"), new byte[] {1, 2, 3, 5});
        Path otherData = Files.writeString(dir.resolve("d2"), "sentence\tlabel\nhello\t0\n");
        List<String> changed = List.of(
                new CacheKey(otherModel, data, "fp", 128, "dev").hash(),
                new CacheKey(model, otherData, "fp", 128, "dev").hash(),
                new CacheKey(model, data, "fp2", 128, "dev").hash(),
                new CacheKey(model, data, "fp", 64, "dev").hash(),
                new CacheKey(model, data, "fp", 128, "train").hash());
        Set<String> all = new HashSet<>(changed);
        all.add(base);
        assertEquals(6, all.size(), "every change gives a distinct hash: " + changed);
    }

    /** A model known by its SHA-256 (a receipt) has the key of its file, without the file. */
    @Test
    void aKnownModelDigestGivesTheKeyOfTheFile() throws IOException {
        String sha = org.kd4j.util.Hashing.fileHex("model", model);
        String fromFile = new CacheKey(model, data, "fp", 128, "dev").hash();
        Path absent = dir.resolve("not-here.kdm");
        assertEquals(fromFile, new CacheKey(absent, data, "fp", 128, "dev", sha).hash());
        String other = (sha.charAt(0) == 'a' ? "b" : "a") + sha.substring(1);
        assertNotEquals(fromFile, new CacheKey(absent, data, "fp", 128, "dev", other).hash());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CacheKey(absent, data, "fp", 128, "dev", "ABC"));
        assertTrue(bad.getMessage().contains("modelSha256") && bad.getMessage().contains("'ABC'"), bad.getMessage());
    }

    @Test
    void fieldsCannotRunTogether() {
        assertNotEquals(new CacheKey(model, data, "ab", 128, "c").hash(),
                new CacheKey(model, data, "a", 128, "bc").hash());
    }

    @Test
    void contentsCountNotPathsOrTimestamps() throws IOException {
        String before = new CacheKey(model, data, "fp", 128, "dev").hash();
        Path copy = Files.copy(model, dir.resolve("copy-of-teacher.sdz"));
        Files.setLastModifiedTime(copy, FileTime.fromMillis(0));
        assertEquals(before, new CacheKey(copy, data, "fp", 128, "dev").hash());

        FileTime mtime = Files.getLastModifiedTime(model);
        Files.write(model, new byte[] {9, 9, 9, 9});
        Files.setLastModifiedTime(model, mtime);
        assertNotEquals(before, new CacheKey(model, data, "fp", 128, "dev").hash());
    }

    @Test
    void largeFilesAreStreamedAndFullyHashed() throws IOException {
        byte[] big = new byte[3 * 65536 + 17];
        Path a = Files.write(dir.resolve("a.bin"), big);
        big[big.length - 1] = 1;
        Path b = Files.write(dir.resolve("b.bin"), big);
        assertNotEquals(new CacheKey(a, data, "fp", 8, "").hash(), new CacheKey(b, data, "fp", 8, "").hash());
    }

    @Test
    void missingFilesAreNamed() {
        Path gone = dir.resolve("missing-teacher.sdz");
        KdException e = assertThrows(KdException.class, () -> new CacheKey(gone, data, "fp", 128, "dev").hash());
        assertTrue(e.getMessage().contains("teacher model file") && e.getMessage().contains(gone.toString()),
                e.getMessage());
        Path noData = dir.resolve("missing.tsv");
        e = assertThrows(KdException.class, () -> new CacheKey(model, noData, "fp", 128, "dev").hash());
        assertTrue(e.getMessage().contains("data file") && e.getMessage().contains(noData.toString()),
                e.getMessage());
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new CacheKey(model, data, " ", 128, "dev"));
        assertThrows(IllegalArgumentException.class, () -> new CacheKey(model, data, "fp", 0, "dev"));
        assertThrows(NullPointerException.class, () -> new CacheKey(model, data, "fp", 128, null));
        assertThrows(NullPointerException.class, () -> new CacheKey(null, data, "fp", 128, "dev"));
    }
}
