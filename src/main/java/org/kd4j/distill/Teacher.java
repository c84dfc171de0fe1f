package org.kd4j.distill;

import java.nio.file.Path;
import org.kd4j.config.TeacherConfig;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.eval.Evaluation;

/**
 * A trained teacher with its cached logits.
 *
 * @param modelFile the teacher's model file in the cache
 * @param trainLogits logits on the run's training examples followed by its transfer examples {@code [N][C]}
 * @param devLogits logits on the dev set
 * @param dev its dev metrics
 * @param parameters number of trainable parameters
 * @param trainSeconds time its training took: in this run, or, when it came from the cache, in the run that trained it
 *     (from its provenance file; 0 when unknown or not trained here)
 * @param cached whether the trained model came from the cache
 * @param evalSeconds wall time of one pass over the dev set in this run (timed even when its dev logits are cached)
 * @param trainFeatures its pooled representations of the same rows as {@code trainLogits} {@code [N][width]} (cached
 *     beside them), when the run's hidden loss needs them; null otherwise
 * @param modelSha256 the model file's SHA-256 when the teacher came from its receipt (the file is not on this machine,
 *     {@link TeacherProvenance}); empty when the file is here
 */
public record Teacher(TeacherConfig config, Path modelFile, BertTokenizer tokenizer, float[][] trainLogits,
                      float[][] devLogits, Evaluation dev, long parameters, double trainSeconds, boolean cached,
                      double evalSeconds, float[][] trainFeatures, String modelSha256) {

    public String name() {
        return config.name();
    }

    /** The hex SHA-256 of its model file: from its receipt, or read from the file. */
    public String modelDigest() {
        return modelSha256 == null || modelSha256.isEmpty() ? org.kd4j.util.Hashing.fileHex("teacher model", modelFile) : modelSha256;
    }
}
