package org.kd4j.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;
import org.kd4j.KdException;

class ModelImportTest {

    @Test
    void withoutTheModelImportTheErrorNamesTheKeyAndTheMissingProvider() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            String msg = assertThrows(KdException.class, () -> ModelImport.require("student.init", empty)).getMessage();
            assertTrue(msg.startsWith("student.init: needs kd4j's model import"), msg);
            assertTrue(msg.contains("no org.kd4j.model.ModelImport found"), msg);
        }
    }
}
