package org.kd4j.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The versions a run was made with, read from the build rather than written into the code: kd4j's own from
 * {@value #BUILD_PROPERTIES} (a resource the build fills in) or, in a packaged jar, from Maven's
 * {@code pom.properties} or the manifest; ND4J's from the {@code pom.properties} inside the nd4j-api jar on the
 * classpath. A version that cannot be found is {@value #UNKNOWN}, never a guess.
 *
 * @param kd4j kd4j's version
 * @param nd4j the ND4J version on the classpath
 * @param java the Java runtime's version
 */
public record LibraryVersions(String kd4j, String nd4j, String java) {

    private static final Logger LOG = LogManager.getLogger(LibraryVersions.class);

    /** The resource the build fills in ({@code version=${project.version}}) when resource filtering is on. */
    static final String BUILD_PROPERTIES = "org/kd4j/kd4j-build.properties";
    static final String KD4J_POM = "META-INF/maven/org.kd4j/kd4j/pom.properties";
    static final String ND4J_POM = "META-INF/maven/org.nd4j/nd4j-api/pom.properties";
    public static final String UNKNOWN = "unknown";

    public LibraryVersions {
        Objects.requireNonNull(kd4j, "kd4j");
        Objects.requireNonNull(nd4j, "nd4j");
        Objects.requireNonNull(java, "java");
    }

    /** The versions of this process's classpath and runtime. */
    public static LibraryVersions current() {
        ClassLoader loader = LibraryVersions.class.getClassLoader();
        String kd4j = version(loader, BUILD_PROPERTIES)
                .or(() -> version(loader, KD4J_POM))
                .or(() -> Optional.ofNullable(LibraryVersions.class.getPackage().getImplementationVersion()))
                .orElse(UNKNOWN);
        String nd4j = version(loader, ND4J_POM).orElse(UNKNOWN);
        return new LibraryVersions(kd4j, nd4j, System.getProperty("java.version"));
    }

    /** The {@code version} of a properties resource; empty when absent, unreadable or not filled in by the build. */
    static Optional<String> version(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            properties.load(in);
            return version(properties);
        } catch (IOException e) {
            LOG.warn("{}: unreadable ({}); version taken from elsewhere", resource, e.getMessage());
            return Optional.empty();
        }
    }

    /** The {@code version} property, unless missing, blank or an unfilled placeholder such as {@code ${project.version}}. */
    static Optional<String> version(Properties properties) {
        String v = properties.getProperty("version", "").trim();
        return v.isEmpty() || v.contains("${") ? Optional.empty() : Optional.of(v);
    }
}
