package org.kd4j.data.tokenize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;

/**
 * Copies the files of a tokenizer spec into a folder (a run directory's {@code tokenizer/}), so that
 * {@code BertTokenizer.load(folder)} gives the same tokenizer on a machine that has only the run directory.
 */
public final class TokenizerFiles {

    private static final String[] NAMES = {"tokenizer.json", "vocab.txt", "tokenizer_config.json"};

    private TokenizerFiles() {}

    public static void export(String spec, Path dir) {
        try {
            Files.createDirectories(dir);
            if (TokenizerLoader.BUNDLED.contains(spec)) {
                try (InputStream in = TokenizerFiles.class.getResourceAsStream("/org/kd4j/vocab/" + spec + "/vocab.txt")) {
                    AtomicFiles.write(dir.resolve("vocab.txt"), in.readAllBytes());
                }
                boolean lower = !spec.endsWith("-cased");
                AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": " + lower + "}\n");
            } else {
                Path source = Path.of(spec);
                Path folder = Files.isDirectory(source) ? source : source.getParent();
                if (Files.isRegularFile(source)) {
                    String target = source.getFileName().toString().endsWith(".json") ? "tokenizer.json" : "vocab.txt";
                    AtomicFiles.write(dir.resolve(target), Files.readAllBytes(source));
                }
                for (String name : NAMES) {
                    Path file = folder == null ? null : folder.resolve(name);
                    if (file != null && Files.isRegularFile(file) && !Files.exists(dir.resolve(name))) {
                        AtomicFiles.write(dir.resolve(name), Files.readAllBytes(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("exporting tokenizer " + spec + " to " + dir, e);
        }
        String expected = BertTokenizer.load(spec).fingerprint();
        if (!BertTokenizer.load(dir.toString()).fingerprint().equals(expected)) {
            throw new KdException("tokenizer exported to " + dir + " differs from " + spec);
        }
    }
}
