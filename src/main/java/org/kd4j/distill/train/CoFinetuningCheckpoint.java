package org.kd4j.distill.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The resumable state of a {@link CoFinetuner} after a finished epoch or, with {@code checkpoint_every_steps}, a step
 * within one, in one folder {@code <workDir>/cofinetuning}
 * replaced as a whole ({@link Checkpoint#writeFolder}: written beside the old one and swapped in by renames, so that a
 * crash leaves the previous checkpoint or the new one, never a mix):
 * <pre>
 * cofinetuning/state.json            the set's fingerprint, the members' names and the {@link TrainingState}
 * cofinetuning/member-&lt;k&gt;/checkpoint  member k's {@link Checkpoint}: its parameters (its copy of the shared head
 *                                    included) and its encoder's optimizer state and step
 * cofinetuning/head/checkpoint       the shared head's {@link Checkpoint}: its parameters and its optimizer state and step
 * </pre>
 * Each part is an ordinary {@link Checkpoint} (same files, same format). The best epoch's models ({@code best-<k>.kdm}
 * beside the folder) are written before the checkpoint that names that epoch as the best.
 */
final class CoFinetuningCheckpoint {

    static final String FOLDER = "cofinetuning";
    static final String STATE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CoFinetuningCheckpoint() {}

    /**
     * What {@code state.json} holds.
     *
     * @param fingerprint SHA-256 of what decides the run ({@link CoFinetuner#fingerprint()})
     * @param members the members' names, in order
     * @param state the counters after the last finished epoch or step, with the best epoch and the dev scores
     * @param epochLoss the joint losses of {@code state}'s epoch summed over its batches done ({@code batchInEpoch}), so
     *     that a run resumed within the epoch reports the epoch's mean over all its batches; 0 at an epoch's end, and when
     *     absent (a checkpoint written before the field existed, always at an epoch's end)
     */
    public record Meta(String fingerprint, List<String> members, TrainingState state, double epochLoss) {
        public Meta {
            Objects.requireNonNull(fingerprint, "fingerprint");
            members = List.copyOf(members);
            Objects.requireNonNull(state, "state");
            if (!Double.isFinite(epochLoss)) {
                throw new IllegalArgumentException("epochLoss must be finite, got " + epochLoss);
            }
        }
    }

    /** A checkpoint read back: each member's, the shared head's, and the state. */
    record Loaded(Path folder, Meta meta, List<Checkpoint.Loaded> members, Checkpoint.Loaded head) { }

    static Path folder(Path workDir) {
        return workDir.resolve(FOLDER);
    }

    /**
     * Writes the checkpoint of the state after an epoch or a step.
     *
     * @param models each member's parameters (by name, its copy of the head included)
     * @param optimizers each member's encoder optimizer
     * @param head the shared head's parameters
     */
    static void save(Path workDir, Meta meta, List<Map<String, INDArray>> models, List<Optimizer> optimizers,
                     Map<String, INDArray> head, Optimizer headOptimizer) {
        Checkpoint.writeFolder(folder(workDir), fresh -> {
            for (int k = 0; k < models.size(); k++) {
                Checkpoint.save(fresh.resolve("member-" + k), models.get(k), Map.of(), optimizers.get(k), meta.state());
            }
            Checkpoint.save(fresh.resolve("head"), head, Map.of(), headOptimizer, meta.state());
            AtomicFiles.write(fresh.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        });
    }

    /**
     * The last complete checkpoint in {@code workDir}, or null when there is none.
     *
     * @throws KdException naming the file when the checkpoint is of another set (another fingerprint or other
     *     members), or unreadable
     */
    static Loaded load(Path workDir, String fingerprint, List<String> members) {
        Path folder = Checkpoint.completeFolder(folder(workDir), STATE);
        if (folder == null) {
            return null;
        }
        Path file = folder.resolve(STATE);
        Meta meta;
        try {
            meta = JSON.readValue(file.toFile(), Meta.class);
        } catch (IOException | RuntimeException e) {
            throw new KdException(file + ": co-finetuning checkpoint is unreadable (" + e.getMessage() + "); delete "
                    + workDir + " to start over", e);
        }
        if (!meta.fingerprint().equals(fingerprint) || !meta.members().equals(members)) {
            throw new KdException(file + ": co-finetuning checkpoint of teachers " + meta.members() + " (set fingerprint "
                    + shortHash(meta.fingerprint()) + ") does not match this co-finetuning of " + members + " (fingerprint "
                    + shortHash(fingerprint) + "); expected a checkpoint of the same teachers and settings: delete " + workDir
                    + " to start over");
        }
        List<Checkpoint.Loaded> loaded = new java.util.ArrayList<>();
        for (int k = 0; k < members.size(); k++) {
            loaded.add(Checkpoint.load(folder.resolve("member-" + k)));
        }
        return new Loaded(folder, meta, List.copyOf(loaded), Checkpoint.load(folder.resolve("head")));
    }

    private static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
