package org.kd4j.imports.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test fixtures on the test classpath (model-import/src/test/resources). */
public final class Fixtures {

    private Fixtures() {}

    public static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource not found: " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
