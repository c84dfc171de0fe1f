package org.kd4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kd4j.ConfigException;

/** {@code run.teacher_runtime}: kd4j unless set, set by name, a wrong name refused naming the key and the choices. */
class TeacherRuntimeConfigTest {

    @Test
    void kd4jByDefaultOnnxRuntimeWhenSetAndTheCacheVariantKeepsKd4jsKeys() {
        assertEquals(TeacherRuntime.KD4J, ConfigLoader.load(List.of()).run().teacherRuntime());
        ExperimentConfig ort = ConfigLoader.load(List.of("run.teacher_runtime=onnx_runtime"));
        assertEquals(TeacherRuntime.ONNX_RUNTIME, ort.run().teacherRuntime());
        assertEquals(TeacherRuntime.ONNX_RUNTIME, ort.run().withParallelism(ort.run().parallelism()).withTeacherLedger("l")
                .teacherRuntime());
        assertEquals("dev", TeacherRuntime.KD4J.cacheVariant("dev"));
        assertEquals("dev|onnx_runtime", TeacherRuntime.ONNX_RUNTIME.cacheVariant("dev"));
    }

    @Test
    void anUnknownRuntimeIsRefusedNamingTheKeyAndTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of("run.teacher_runtime=tensorflow")));
        assertTrue(e.getMessage().contains("run.teacher_runtime") && e.getMessage().contains("tensorflow")
                && e.getMessage().contains("kd4j") && e.getMessage().contains("onnx_runtime"), e.getMessage());
    }
}
