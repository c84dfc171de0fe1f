package org.kd4j.distill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.run.LibraryVersions;
import org.kd4j.util.AtomicFiles;

/**
 * Where a cached teacher came from, written next to its model file ({@code <model>.json}): the encoder it was
 * fine-tuned from, the data it saw, and how long its training took (so a run that takes it from the cache can still
 * report its training time).
 *
 * @param name the teacher's name in the config
 * @param created when training finished (ISO-8601)
 * @param encoder the pretrained encoder it was fine-tuned from; empty when trained from scratch
 * @param encoderSha256 that encoder file's SHA-256; empty when trained from scratch
 * @param task the task
 * @param trainFile the training file
 * @param trainSubset which rows of it ({@link TaskData#trainVariant()})
 * @param trainExamples how many
 * @param tokenizer the fingerprint of its tokenizer
 * @param trainSeconds wall time of its training
 * @param parameters trainable parameters
 * @param kd4j the kd4j version that trained it ({@link LibraryVersions}); null in files written before versions were recorded
 * @param nd4j the ND4J version it was trained on; null in files written before versions were recorded
 * @param training how it was trained: {@code separate} (on its own) or {@code cofinetuned} (together with
 *     {@code cofinetunedWith} under a shared head, {@link org.kd4j.config.TeacherStage}); null in files written before
 *     co-finetuning existed (separate)
 * @param cofinetunedWith the names of the teachers it was co-finetuned with; empty when trained on its own (null in
 *     older files). Its {@code trainSeconds} is then the whole joint run's
 * @param modelSha256 the hex SHA-256 of the model file as saved: the provenance is then also the model's receipt, from
 *     which its cached logits' keys are made when the model file itself is not on the machine (a results ledger keeps
 *     receipts and logits, never models); null in files written before receipts existed
 * @param partnerModels for a co-finetuned teacher, the SHA-256 of each partner's model file from the same joint run, by
 *     partner name: which receipts belong together when the ledger keeps receipts of several joint runs; null for a
 *     teacher trained on its own and in files written before it was recorded (not written then)
 */
public record TeacherProvenance(String name, String created, String encoder, String encoderSha256, String task,
                                String trainFile, String trainSubset, int trainExamples, String tokenizer,
                                double trainSeconds, long parameters, String kd4j, String nd4j, String training,
                                java.util.List<String> cofinetunedWith, String modelSha256,
                                @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> partnerModels) {

    private static final Logger LOG = LogManager.getLogger(TeacherProvenance.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A teacher's provenance, trained on its own, with the library versions of this process. */
    public static TeacherProvenance of(String name, String created, String encoder, String encoderSha256, String task,
                                       String trainFile, String trainSubset, int trainExamples, String tokenizer,
                                       double trainSeconds, long parameters) {
        LibraryVersions versions = LibraryVersions.current();
        return new TeacherProvenance(name, created, encoder, encoderSha256, task, trainFile, trainSubset, trainExamples, tokenizer,
                trainSeconds, parameters, versions.kd4j(), versions.nd4j(), "separate", java.util.List.of(), null, null);
    }

    /** This provenance for a teacher co-finetuned with {@code partners} (their names) under a shared head. */
    public TeacherProvenance cofinetunedWith(java.util.List<String> partners) {
        return new TeacherProvenance(name, created, encoder, encoderSha256, task, trainFile, trainSubset, trainExamples, tokenizer,
                trainSeconds, parameters, kd4j, nd4j, "cofinetuned", java.util.List.copyOf(partners), modelSha256, partnerModels);
    }

    /**
     * This provenance of a co-finetuned teacher with its partners' model files from the same joint run (name to
     * SHA-256), so that its receipt is only ever used together with theirs.
     */
    public TeacherProvenance withPartnerModels(Map<String, String> partners) {
        return new TeacherProvenance(name, created, encoder, encoderSha256, task, trainFile, trainSubset, trainExamples, tokenizer,
                trainSeconds, parameters, kd4j, nd4j, training, cofinetunedWith, modelSha256,
                Collections.unmodifiableMap(new TreeMap<>(partners)));
    }

    /** This provenance with the receipt of its model file: the hex SHA-256 of the file's bytes. */
    public TeacherProvenance withModelSha256(String sha256) {
        return new TeacherProvenance(name, created, encoder, encoderSha256, task, trainFile, trainSubset, trainExamples, tokenizer,
                trainSeconds, parameters, kd4j, nd4j, training, cofinetunedWith, sha256, partnerModels);
    }

    /** Whether it is a receipt: it holds its model file's SHA-256. Not a field of the file. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isReceipt() {
        return modelSha256 != null && modelSha256.matches("[0-9a-f]{64}");
    }

    /** The provenance file of a teacher's model file. */
    public static Path fileOf(Path modelFile) {
        String name = modelFile.getFileName().toString();
        return modelFile.resolveSibling(name.replaceFirst("\\.kdm$", "") + ".json");
    }

    /** Writes it atomically next to {@code modelFile}. */
    public static void write(Path modelFile, TeacherProvenance provenance) {
        Path file = fileOf(modelFile);
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(provenance));
        } catch (IOException e) {
            throw new KdException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The provenance next to {@code modelFile}; empty when there is none or it cannot be read (logged). */
    public static Optional<TeacherProvenance> read(Path modelFile) {
        Path file = fileOf(modelFile);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), TeacherProvenance.class));
        } catch (IOException e) {
            LOG.warn("{}: unreadable teacher provenance ({}); its training time is reported as unknown", file, e.getMessage());
            return Optional.empty();
        }
    }
}
