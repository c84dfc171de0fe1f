package org.kd4j.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;

/**
 * The generated part of a Markdown document, between {@value #BEGIN} and {@value #END}: replaced on each write, the rest
 * of the file kept as it is. A file that does not exist yet is created holding only the markers and the section.
 */
public final class ReportFile {

    public static final String BEGIN = "<!-- quality:begin -->";
    public static final String END = "<!-- quality:end -->";

    private ReportFile() {}

    /**
     * Replaces the text between the markers of {@code doc} with {@code section}, atomically.
     *
     * @throws KdException naming the file when it has no markers, more than one pair, or they are out of order
     */
    public static void write(Path doc, String section) {
        String body = section.endsWith("\n") ? section : section + "\n";
        String text;
        if (!Files.exists(doc)) {
            text = BEGIN + "\n" + body + END + "\n";
        } else {
            String old;
            try {
                old = Files.readString(doc, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KdException(doc + ": cannot read (" + e.getMessage() + ")", e);
            }
            int begin = old.indexOf(BEGIN);
            int end = old.indexOf(END);
            if (begin < 0 || end < 0) {
                throw new KdException(doc + ": expected the markers " + BEGIN + " and " + END + " around the generated section,"
                        + " found " + (begin < 0 && end < 0 ? "neither" : begin < 0 ? "no " + BEGIN : "no " + END));
            }
            if (end < begin || old.indexOf(BEGIN, begin + 1) >= 0 || old.indexOf(END, end + 1) >= 0) {
                throw new KdException(doc + ": expected one " + BEGIN + " followed by one " + END + ", found them out of order"
                        + " or repeated");
            }
            text = old.substring(0, begin + BEGIN.length()) + "\n" + body + old.substring(end);
        }
        try {
            AtomicFiles.writeString(doc, text);
        } catch (IOException e) {
            throw new KdException(doc + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
