package org.kd4j.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.kd4j.ConfigException;
import java.util.List;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.kd4j.ConfigException;

/** {@link ConfigLoader#keys}: the keys that {@code --set} accepts, and only those. */
class ConfigKeysTest {

    @Test
    void everyKeyItListsIsAcceptedByTheOverrideAndANearMissIsNot() {
        Path preset = Path.of("hparams/presets/sst2-demo.yaml");
        ExperimentConfig config = ConfigLoader.load(preset, List.of());
        SortedSet<String> keys = ConfigLoader.keys(config);
        for (String key : List.of("student", "student.train", "student.train.learning_rate", "distill.temperature",
                "data.max_length", "teachers", "run.dir")) {
            assertTrue(keys.contains(key), key + " in " + keys);
        }
        assertFalse(keys.contains("student.train.learnin_rate"));
        assertFalse(keys.contains("teachers.name"), "list entries are set as a whole");
        // what --set does with the same keys: a listed leaf is accepted, the near miss is an unknown key
        ConfigLoader.load(preset, List.of("distill.temperature=3"));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(preset, List.of("student.train.learnin_rate=0.1")));
        assertTrue(e.getMessage().contains("unknown key 'student.train.learnin_rate'"), e.getMessage());
    }
}
