package org.kd4j.imports.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kd4j.model.ModelImport;

class OnnxModelImportTest {

    @Test
    void theModelImportIsRegisteredForTheCore() {
        assertEquals(OnnxModelImport.class, ModelImport.require("test").getClass());
    }
}
