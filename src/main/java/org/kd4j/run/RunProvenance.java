package org.kd4j.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a run came from, as written to {@code provenance.json} (snake_case field names): the command, the library
 * versions, the seeds, every data file with its SHA-256, the tokenizer and each teacher's model file. Enough to
 * rebuild the run.
 *
 * @param created when the run was written (ISO-8601)
 * @param command the command line that made it
 * @param kd4j kd4j's version ({@link LibraryVersions})
 * @param nd4j ND4J's version
 * @param java the Java runtime's version
 * @param os operating system and architecture
 * @param seed the student's training seed
 * @param dataSeed the data seed (subsets, shuffling)
 * @param trainFile the training data
 * @param transferFile the unlabeled transfer data; null when none
 * @param studentEmbeddings where the student's embeddings were projected from; null when not projected
 * @param unlabeledTrain the training rows distilled students see without their labels; null when none
 * @param devFile the dev data
 * @param tokenizer the student's tokenizer fingerprint
 * @param teachers the run's teachers
 * @param parallelism the run's threads per op, workers and micro-batch tokens ({@code run.parallelism}); null in files
 *     written before it was recorded
 * @param nativeBuild the nd4j-native build the process ran on ({@link org.kd4j.util.NativeBuild#describe()}); null in
 *     files written before it was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunProvenance(String created, String command, String kd4j, String nd4j, String java, String os, long seed,
                            long dataSeed, DataFile trainFile, DataFile transferFile, StudentEmbeddings studentEmbeddings,
                            DataFile unlabeledTrain, DataFile devFile, String tokenizer, List<TeacherEntry> teachers,
                            org.kd4j.util.Parallelism parallelism, String nativeBuild) {

    public RunProvenance {
        teachers = teachers == null ? List.of() : List.copyOf(teachers);
    }

    /**
     * A data file the run read.
     *
     * @param path its path
     * @param sha256 its contents' SHA-256; null when not recorded
     * @param subset which of its rows; null for the whole file
     * @param examples how many examples were used
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataFile(String path, String sha256, String subset, int examples) { }

    /**
     * The encoder the student's embedding tables were projected from.
     *
     * @param encoder the encoder's description
     * @param sha256 its file's SHA-256
     * @param from the table projected: {@code word_table} (the encoder's input word table) or {@code encoded} (its output
     *     for each token alone)
     * @param fromWidth the encoder's embedding width
     * @param toWidth the student's
     * @param varianceKept fraction of the embeddings' variance the projection keeps
     */
    public record StudentEmbeddings(String encoder, String sha256, String from, int fromWidth, int toWidth,
                                    double varianceKept) { }

    /**
     * A teacher of the run.
     *
     * @param name its name in the config
     * @param modelFile the model file its logits are cached under
     * @param sha256 that file's SHA-256
     * @param tokenizer its tokenizer's fingerprint
     */
    public record TeacherEntry(String name, String modelFile, String sha256, String tokenizer) { }
}
