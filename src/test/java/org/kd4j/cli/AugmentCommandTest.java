package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kd4j.testing.SyntheticSst2;

/** {@code augment} executed as a user would: output, determinism, and bad input refused before anything is written. */
class AugmentCommandTest {

    @TempDir Path dir;

    private Path data() throws IOException {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 60, 1);
        SyntheticSst2.write(data, "dev", 20, 2);
        return data;
    }

    @Test
    void writesTheTransferFileAndASummaryLine() throws IOException {
        Path data = data();
        Path out = dir.resolve("runs/transfer/sst2-aug.tsv");
        CliRunner r = CliRunner.run("augment", "--task", "SST-2", "--data-dir", data.toString(), "--out", out.toString(),
                "--factor", "4", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertTrue(r.out().contains("wrote " + lines.size() + " lines"), r.out());
        assertTrue(r.out().contains("from 60 examples x 4 draws"), r.out());
        assertTrue(lines.size() > 60 && lines.size() <= 240, r.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\t") || l.isBlank()));
        String provenance = Files.readString(out.resolveSibling("sst2-aug.tsv.provenance.json"));
        assertTrue(provenance.contains("OpenNLP") && provenance.contains("\"factor\" : 4"), provenance);

        byte[] first = Files.readAllBytes(out);
        assertEquals(0, CliRunner.run("augment", "--task", "sst2", "--data-dir", data.toString(), "--out", out.toString(),
                "--factor", "4", "--no-progress").exitCode());
        assertArrayEquals(first, Files.readAllBytes(out), "same seed, same bytes");
        assertEquals(0, CliRunner.run("augment", "--task", "SST-2", "--data-dir", data.toString(), "--out", out.toString(),
                "--factor", "4", "--seed", "7", "--no-progress").exitCode());
        assertNotEquals(new String(first), Files.readString(out));
    }

    /** An --out whose folder cannot be made is one line naming it, before the tagging starts, with no stack trace. */
    @Test
    void anOutputFolderThatCannotBeMadeIsOneLine() throws IOException {
        Path data = data();
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path out = file.resolve("sub/transfer.txt");
        CliRunner r = CliRunner.run("augment", "--task", "SST-2", "--data-dir", data.toString(), "--out", out.toString(), "--no-progress");
        assertEquals(Main.EXIT_INPUT, r.exitCode(), r.err());
        assertEquals("error: --out: cannot make the folder " + file.resolve("sub") + " for " + out + ": " + file + " is not a folder",
                r.err().strip());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"header-only-train", "zero-byte-train", "missing-train", "missing-dev", "--p-mask=1.5",
            "--p-pos=-0.1", "--p-ngram=2", "--factor=0", "--p-mask=0.6 --p-pos=0.6", "--max-ngram=0"})
    void badInputIsOneLineNamingTheFileOrOptionAndWritesNothing(String bad) throws IOException {
        Path data = data();
        Path train = data.resolve("glue/SST-2/train.tsv");
        String expected;
        switch (bad) {
            case "header-only-train" -> {
                Files.writeString(train, "sentence\tlabel\n");
                expected = train + ": the training split holds no examples";
            }
            case "zero-byte-train" -> {
                Files.write(train, new byte[0]);
                expected = train + ":1: empty file";
            }
            case "missing-train" -> {
                Files.delete(train);
                expected = train + ": file not found";
            }
            case "missing-dev" -> {
                Files.delete(data.resolve("glue/SST-2/dev.tsv"));
                expected = data.resolve("glue/SST-2/dev.tsv") + ": dev file not found";
            }
            default -> expected = bad.contains(" ") ? "--p-mask + --p-pos" : bad.substring(0, bad.indexOf('=')) + ": expected";
        }
        Path out = dir.resolve("out/aug.tsv");
        List<String> args = new java.util.ArrayList<>(List.of("augment", "--task", "SST-2", "--data-dir", data.toString(),
                "--out", out.toString(), "--no-progress"));
        if (bad.startsWith("--")) {
            args.addAll(List.of(bad.split(" ")));
        }
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertNotEquals(0, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: " + expected), r.err());
        assertFalse(Files.exists(out.getParent()) && nonEmpty(out.getParent()), "something was written");
    }

    private static boolean nonEmpty(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isPresent();
        }
    }

    @Test
    void outMustNotBeAFolder() throws IOException {
        Path data = data();
        CliRunner r = CliRunner.run("augment", "--task", "SST-2", "--data-dir", data.toString(), "--out", dir.toString());
        assertEquals(Main.EXIT_INPUT, r.exitCode());
        assertTrue(r.err().startsWith("error: --out: " + dir + " is a folder"), r.err());
    }

    @Test
    void outIsRequired() {
        CliRunner r = CliRunner.run("augment", "--task", "SST-2");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("--out"), r.err());
    }
}
