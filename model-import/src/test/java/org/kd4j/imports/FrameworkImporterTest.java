package org.kd4j.imports;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FrameworkImporterTest {

    /** kd4j's own class path has both importers: a renamed entry class would make every check fail. */
    @Test
    void bothImportersAreOnTheTestClassPath() {
        for (FrameworkImporter importer : FrameworkImporter.values()) {
            assertTrue(importer.available(), importer + ": " + importer.entryClass() + " not loadable");
            assertDoesNotThrow(() -> importer.require(Path.of("model.onnx")));
        }
    }

    @Test
    void artifactsAreTheOptionalDependenciesOfThePom() {
        assertEquals("org.nd4j:samediff-import-onnx", FrameworkImporter.ONNX.artifact());
        assertEquals("org.nd4j:samediff-import-tensorflow", FrameworkImporter.TENSORFLOW.artifact());
    }

    @Test
    void missingImporterMessageNamesFileArtifactAndClass() {
        String message = FrameworkImporter.ONNX.missing(Path.of("runs/x/encoder.onnx"));
        assertTrue(message.startsWith("runs/x/encoder.onnx: "), message);
        assertTrue(message.contains("org.nd4j:samediff-import-onnx"), message);
        assertTrue(message.contains("optional dependency of kd4j"), message);
        assertTrue(message.contains("org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter not found"), message);
    }
}
