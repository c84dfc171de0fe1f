package org.kd4j.distill.cache;

import java.nio.file.Path;
import java.util.Objects;
import org.kd4j.KdException;

/**
 * What a teacher's logits on one data set depend on: the teacher model's bytes, the data file's bytes, the
 * tokenizer (as a fingerprint string, e.g. a hash of its vocabulary and settings), the maximum sequence length, and
 * a free-form {@code variant} (e.g. the split name, or anything else the caller wants kept apart).
 *
 * <p>{@link #hash()} identifies the logits: it hashes file <em>contents</em>, not paths or timestamps, so a copied
 * or moved file still hits the cache and an edited one (even with its old timestamp) misses. Hashed by
 * {@link KeyHash}, the scheme every cache key of kd4j shares ({@link TeacherKey} names a trained teacher's model file,
 * {@link ImportKey} an imported teacher's converted file).
 *
 * @param modelFile the teacher's model file
 * @param dataFile the data file the teacher scores
 * @param tokenizerFingerprint identifies the tokenizer's vocabulary and settings
 * @param maxLength maximum tokens per example
 * @param variant anything else that changes the logits, e.g. {@code "train"} or {@code "dev"}; may be empty
 * @param modelSha256 the hex SHA-256 of the model file's bytes when it is known without the file (a teacher whose model
 *     is not on this machine, known by the receipt of its {@code TeacherProvenance}); empty: the model file is read. The
 *     hash is the same either way
 */
public record CacheKey(Path modelFile, Path dataFile, String tokenizerFingerprint, int maxLength, String variant,
                       String modelSha256) {

    /** Changes whenever the way the hash is made changes, so old cache files are never mistaken for new ones. */
    private static final String SCHEME = "kd4j.logit-cache-key.v1";

    public CacheKey {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(dataFile, "dataFile");
        Objects.requireNonNull(variant, "variant");
        if (tokenizerFingerprint == null || tokenizerFingerprint.isBlank()) {
            throw new IllegalArgumentException("tokenizerFingerprint is required");
        }
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        Objects.requireNonNull(modelSha256, "modelSha256");
        if (!modelSha256.isEmpty() && !modelSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("modelSha256: expected 64 lower-case hex digits or nothing, found '"
                    + modelSha256 + "'");
        }
    }

    /** The key of a model file that is read for its SHA-256. */
    public CacheKey(Path modelFile, Path dataFile, String tokenizerFingerprint, int maxLength, String variant) {
        this(modelFile, dataFile, tokenizerFingerprint, maxLength, variant, "");
    }

    /**
     * The key's identity: hex SHA-256 over a scheme tag, the SHA-256 of the model file's bytes (read, or
     * {@link #modelSha256} when given), the SHA-256 of the data file's bytes, the tokenizer fingerprint, the max length
     * and the variant. Every field is length-prefixed, so no two different keys can produce the same byte sequence.
     * Files are streamed, never read whole; each call reads them again (a teacher model of some hundred MB takes a
     * fraction of a second).
     *
     * @throws KdException if the model file (when read) or the data file is missing or cannot be read (the message
     *     names the file)
     */
    public String hash() {
        KeyHash hash = KeyHash.scheme(SCHEME);
        if (modelSha256.isEmpty()) {
            hash.fileDigest("teacher model file", modelFile);
        } else {
            hash.bytes(java.util.HexFormat.of().parseHex(modelSha256));
        }
        return hash
                .fileDigest("data file", dataFile)
                .text(tokenizerFingerprint)
                .int32(maxLength)
                .text(variant)
                .hex();
    }

    /** One line for log and error messages. */
    public String describe() {
        return "model " + modelFile + ", data " + dataFile + ", variant '" + variant + "', max length " + maxLength;
    }
}
