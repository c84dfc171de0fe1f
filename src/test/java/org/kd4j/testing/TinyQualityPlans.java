package org.kd4j.testing;

import java.io.IOException;
import java.nio.file.Path;

/** What the tiny quality-benchmark plans of the tests share: their SST-2 data and their one CNN student. */
public final class TinyQualityPlans {

    /** The plan's tasks and students: SST-2, and one tiny CNN student named {@code tiny} trained for one epoch. */
    public static final String SST2_TINY_STUDENT = """
            tasks:
              - task: SST-2
            students:
              - name: tiny
                student:
                  model: {type: cnn, hidden: 8, ffn: 8}
                  train: {epochs: 1, learning_rate: 0.01}
            """;

    private TinyQualityPlans() {}

    /** Writes 48 synthetic SST-2 training sentences and 16 dev sentences under {@code dir/data}; returns that folder. */
    public static Path sst2Data(Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticSst2.write(data, "train", 48, 1);
        SyntheticSst2.write(data, "dev", 16, 2);
        return data;
    }
}
