package org.kd4j.data.glue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a file line by line as strict UTF-8: invalid bytes are an error naming the line, never a silent
 * U+FFFD. Lines end in {@code \n}; a {@code \r} before it is dropped; a UTF-8 byte-order mark at the start
 * of the file is skipped; a missing newline after the last line is fine.
 */
final class StrictLineReader implements Closeable {

    private final Path file;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private int lineNumber;
    private boolean eof;

    StrictLineReader(Path file) {
        this.file = file;
        try {
            this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            skipBom();
        } catch (IOException e) {
            throw new DataFormatException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private void skipBom() throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        if (!(head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
    }

    /** Number of the line last returned by {@link #next()} (1-based). */
    int lineNumber() {
        return lineNumber;
    }

    /** The next line without its terminator, or {@code null} at the end of the file. */
    String next() {
        if (eof) {
            return null;
        }
        buffer.reset();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                buffer.write(b);
            }
            if (b == -1) {
                eof = true;
                if (buffer.size() == 0) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        lineNumber++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        ByteBuffer bytesIn = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer chars = CharBuffer.allocate(length);
        decoder.reset();
        CoderResult result = decoder.decode(bytesIn, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new DataFormatException(file, lineNumber, "invalid UTF-8 at byte " + (bytesIn.position() + 1)
                    + " of the line (0x" + String.format("%02X", bytes[bytesIn.position()] & 0xFF)
                    + "); expected UTF-8 text");
        }
        return chars.flip().toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
        }
    }
}
