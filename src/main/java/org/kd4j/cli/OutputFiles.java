package org.kd4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kd4j.KdException;

/** Checks on a command's output file made before the command's work starts, so that a bad path costs no time. */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * {@code file} is not a folder, and the folder that will hold it exists and is writable, or can be made: its nearest
     * existing ancestor is a writable folder. Nothing is made here (the write makes the folders).
     *
     * @param option the option that named the file, for messages ({@code --out})
     */
    static void requireWritable(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new KdException(option + ": " + file + " is a folder; expected the path of the file to write");
        }
        Path folder = file.toAbsolutePath().getParent();
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new KdException(option + ": cannot make the folder " + folder + " for " + file + ": " + existing
                    + " is not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new KdException(option + ": " + (existing.equals(folder) ? "the folder " + folder + " is not writable"
                    : "cannot make the folder " + folder + " for " + file + ": " + existing + " is not writable"));
        }
    }
}
