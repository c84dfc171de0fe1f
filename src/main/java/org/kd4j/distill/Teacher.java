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
 * @param trainSeconds time spent training in this run (0 when it came from the cache)
 */
public record Teacher(TeacherConfig config, Path modelFile, BertTokenizer tokenizer, float[][] trainLogits,
                      float[][] devLogits, Evaluation dev, long parameters, double trainSeconds) {

    public String name() {
        return config.name();
    }
}
