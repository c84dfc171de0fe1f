package org.kd4j.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.kd4j.KdException;

/** SHA-256 of files (streamed) and of length-prefixed fields, for cache keys and provenance. */
public final class Hashing {

    private static final int READ_BUFFER = 1 << 16;

    private Hashing() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** Adds a field, length-prefixed so that fields cannot run together. */
    public static void field(MessageDigest md, byte[] bytes) {
        md.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        md.update(bytes);
    }

    /**
     * The SHA-256 of a file's contents, streamed.
     *
     * @param what what the file is, for the error message ("teacher model file")
     * @throws KdException if the file is missing or unreadable
     */
    public static byte[] fileSha256(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KdException(what + " not found: " + file);
        }
        MessageDigest md = sha256();
        byte[] buffer = new byte[READ_BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new KdException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        return md.digest();
    }

    /** Hex SHA-256 of a file. */
    public static String fileHex(String what, Path file) {
        return HexFormat.of().formatHex(fileSha256(what, file));
    }

    /** Hex SHA-256 of length-prefixed UTF-8 fields. */
    public static String fieldsHex(String... fields) {
        MessageDigest md = sha256();
        for (String f : fields) {
            field(md, f.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
