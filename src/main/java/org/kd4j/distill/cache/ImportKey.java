package org.kd4j.distill.cache;

import java.nio.file.Path;
import java.util.Objects;
import org.kd4j.util.Hashing;

/**
 * Names what an imported teacher's source file is converted into in the cache: {@code <dir>/<name>-<16 hex digits of
 * the source's SHA-256>.<suffix>} (a native model {@code .kdm}, or an imported graph {@code .sdz}). The conversion
 * depends on nothing but the source's bytes; a changed file gets a new name, so a stale conversion is never read.
 *
 * @param name the teacher's name
 * @param source the ONNX file
 */
public record ImportKey(String name, Path source) {

    public ImportKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /** Where the conversion of kind {@code suffix} ({@code "kdm"} or {@code "sdz"}) lives under {@code dir}. */
    public Path file(Path dir, String suffix) {
        String hash = Hashing.fileHex("ONNX teacher", source);
        return dir.resolve(name + "-" + hash.substring(0, 16) + "." + suffix);
    }
}
