package org.kd4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LibraryVersionsTest {

    @Test
    void nd4jsVersionIsTheOneOfTheJarOnTheClasspath() {
        // the nd4j-api jar sits in the local repository under .../nd4j-api/<version>/
        String jar = Nd4j.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String version = jar.replaceFirst(".*/nd4j-api/([^/]+)/[^/]+\\.jar$", "$1");
        assertTrue(!version.equals(jar), "nd4j-api comes from a Maven repository layout: " + jar);
        LibraryVersions current = LibraryVersions.current();
        assertEquals(version, current.nd4j());
        assertEquals(System.getProperty("java.version"), current.java());
    }

    @Test
    void kd4jsVersionIsReadFromTheBuildOrUnknownNeverAPlaceholder() {
        String kd4j = LibraryVersions.current().kd4j();
        assertTrue(kd4j.equals(LibraryVersions.UNKNOWN) || kd4j.matches("\\d+\\.\\d+\\.\\d+.*"), kd4j);
        assertTrue(!kd4j.contains("${"), kd4j);
    }

    @Test
    void unfilledPlaceholdersAndBlankValuesAreNotVersions() {
        Properties filled = new Properties();
        filled.setProperty("version", "0.2.0-SNAPSHOT");
        assertEquals(Optional.of("0.2.0-SNAPSHOT"), LibraryVersions.version(filled));
        Properties placeholder = new Properties();
        placeholder.setProperty("version", "${project.version}");
        assertEquals(Optional.empty(), LibraryVersions.version(placeholder));
        assertEquals(Optional.empty(), LibraryVersions.version(new Properties()));
    }
}
