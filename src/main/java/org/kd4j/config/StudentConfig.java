package org.kd4j.config;

import org.kd4j.model.ModelConfig;

/**
 * The student: by default the SEAD shape (6-layer transformer, hidden 256, 8 heads, FFN 1024).
 *
 * @param model its architecture
 * @param train how it is trained
 */
public record StudentConfig(ModelConfig model, TrainConfig train) {

    public StudentConfig {
        if (model == null || train == null) {
            throw new IllegalArgumentException("student model and train sections are required");
        }
    }

    public static StudentConfig defaults() {
        return new StudentConfig(ModelConfig.seadStudent(), TrainConfig.defaults());
    }
}
