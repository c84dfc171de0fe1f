package org.kd4j.imports;

/**
 * SameDiff's framework importers, which kd4j's graph import runs after its own rewrites. They are optional
 * dependencies of kd4j: an application that embeds a student ({@code org.kd4j.api.DistilledClassifier}) does not
 * pull them, and needs {@link #ONNX} only to load a student built on an imported encoder ({@code student.init}).
 * {@link #require} turns their absence into an error that names the artifact to add, before any class of theirs is
 * touched (instead of a {@code NoClassDefFoundError} from deep inside the import).
 */
public enum FrameworkImporter {
    ONNX("org.nd4j", "samediff-import-onnx", "org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter"),
    TENSORFLOW("org.nd4j", "samediff-import-tensorflow",
            "org.nd4j.samediff.frameworkimport.tensorflow.importer.TensorflowFrameworkImporter");

    private final String groupId;
    private final String artifactId;
    private final String entryClass;

    FrameworkImporter(String groupId, String artifactId, String entryClass) {
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.entryClass = entryClass;
    }

    /** {@code groupId:artifactId} of the Maven artifact that holds the importer. */
    public String artifact() {
        return groupId + ":" + artifactId;
    }

    /** The importer class whose presence {@link #require} checks. */
    public String entryClass() {
        return entryClass;
    }

    /** Whether the importer is on the class path of kd4j's class loader. */
    public boolean available() {
        try {
            Class.forName(entryClass, false, FrameworkImporter.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Checks that the importer is on the class path.
     *
     * @param source the file being imported, named first in the message
     * @throws ImportException naming {@code source}, the missing artifact and the class that was looked for
     */
    public void require(Object source) {
        if (!available()) {
            throw new ImportException(missing(source));
        }
    }

    /** The message of {@link #require} when the importer is absent (package-private for the tests). */
    String missing(Object source) {
        return source + ": importing it needs SameDiff's " + name() + " importer, " + artifact() + " (the version of"
                + " nd4j-api), on the class path; it is an optional dependency of kd4j, so an application that loads"
                + " this model declares it itself (class " + entryClass + " not found)";
    }
}
