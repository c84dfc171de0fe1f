package org.kd4j.distill.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.kd4j.util.Hashing;

/**
 * The one way kd4j's cache keys are hashed: SHA-256 over a scheme tag followed by the key's fields, each
 * length-prefixed (so no two different field lists give the same bytes). Files enter by their contents, never by
 * path or timestamp. A key type changes its scheme tag whenever its fields or their encoding change, so entries
 * written under the old scheme are missed (and recomputed), never misread.
 */
final class KeyHash {

    private final MessageDigest md = Hashing.sha256();

    private KeyHash(String scheme) {
        text(scheme);
    }

    /** A hash that starts with the scheme tag, e.g. {@code "kd4j.teacher.v1"}. */
    static KeyHash scheme(String scheme) {
        return new KeyHash(scheme);
    }

    /** A UTF-8 text field. */
    KeyHash text(String value) {
        Hashing.field(md, value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A raw byte field. */
    KeyHash bytes(byte[] value) {
        Hashing.field(md, value);
        return this;
    }

    /** A 32-bit big-endian integer field. */
    KeyHash int32(int value) {
        return bytes(ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
    }

    /** The raw SHA-256 of a file's contents, as a field. */
    KeyHash fileDigest(String what, Path file) {
        return bytes(Hashing.fileSha256(what, file));
    }

    /** The hex digest; the builder is spent afterwards. */
    String hex() {
        return HexFormat.of().formatHex(md.digest());
    }
}
