package org.kd4j.model;

/**
 * Rebuilds an {@link ModelType#IMPORTED} model from the export it was made from, when a model file is loaded. The core
 * does not depend on the import code: the implementation lives with it (kd4j's model import registers one through
 * {@link java.util.ServiceLoader}), and a JVM application that only embeds native students needs none.
 */
public interface ImportedGraphLoader {

    /**
     * @param source  the export (path and checked SHA-256)
     * @param outputs the head's width
     */
    TextClassifier rebuild(ImportedSource source, int outputs);
}
