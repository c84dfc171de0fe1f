package org.kd4j.distill.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.OptimizerKind;
import org.kd4j.model.TextClassifier;
import org.kd4j.util.AtomicFiles;
import org.kd4j.util.FileTrees;
import org.kd4j.util.NamedArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A resumable checkpoint: the model's parameters, the loss' own trainable arrays (the hidden and layer losses'
 * projections, {@code kd_*}: trained with the model but not part of it), the optimizer's kind and state and the
 * {@link TrainingState}, in one folder {@code <dir>/checkpoint}. The folder is written beside the old one and swapped in by renames, so a crash leaves
 * either the previous checkpoint or the new one, never a mix.
 */
public final class Checkpoint {

    static final String PARAMS = "params.bin";
    static final String OPTIMIZER = "optimizer.bin";
    /** The loss' own parameters ({@link LossTargets#lossParameters()}); absent in checkpoints written before they were saved. */
    static final String LOSS_PARAMS = "loss-params.bin";
    static final String STATE = "state.json";
    /**
     * The first long of {@link #OPTIMIZER} since it names its optimizer (then the name, the step count and the two
     * state maps); a file without it is from before, and begins with the step count of AdamW's moments. Negative, so it
     * never reads as a step count.
     */
    static final long OPTIMIZER_FORMAT = -0x4B44344F50540002L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LogManager.getLogger(Checkpoint.class);

    private Checkpoint() {}

    public static Path folder(Path dir) {
        return dir.resolve("checkpoint");
    }

    public static boolean exists(Path dir) {
        return completeFolder(folder(dir), STATE) != null;
    }

    /** A checkpoint of a model whose loss has no parameters of its own. */
    public static void save(Path dir, TextClassifier model, Optimizer optimizer, TrainingState state) {
        save(dir, model, Map.of(), optimizer, state);
    }

    /**
     * @param lossParameters the loss' own trainable arrays by name (the hidden and layer losses' projections); empty
     *     without
     */
    public static void save(Path dir, TextClassifier model, Map<String, INDArray> lossParameters, Optimizer optimizer,
                            TrainingState state) {
        save(dir, model.parameters(), lossParameters, optimizer, state);
    }

    /**
     * A checkpoint of named parameter arrays that are not one whole model (the co-finetuning's shared head); read back
     * by {@link #load}, whose {@link Loaded#parameters()} are these arrays.
     */
    static void save(Path dir, Map<String, INDArray> parameters, Map<String, INDArray> lossParameters, Optimizer optimizer,
                     TrainingState state) {
        writeFolder(folder(dir), fresh -> {
            AtomicFiles.write(fresh.resolve(PARAMS), out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                NamedArrays.write(data, parameters);
                data.flush();
            });
            AtomicFiles.write(fresh.resolve(LOSS_PARAMS), out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                NamedArrays.write(data, lossParameters);
                data.flush();
            });
            AtomicFiles.write(fresh.resolve(OPTIMIZER), out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                data.writeLong(OPTIMIZER_FORMAT);
                data.writeUTF(optimizer.kind().configName());
                data.writeLong(optimizer.step());
                NamedArrays.write(data, optimizer.firstState());
                NamedArrays.write(data, optimizer.secondState());
                data.flush();
            });
            AtomicFiles.write(fresh.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        });
    }

    /** Writes the contents of one folder. */
    @FunctionalInterface
    interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    /**
     * Replaces the folder {@code target} as a whole: {@code writer} fills {@code <target>.new}, which is then swapped in
     * by renames (the previous folder kept as {@code <target>.old} until the new one is in place), so that a crash leaves
     * either the previous folder or the new one, never a mix; {@link #completeFolder} finds whichever is complete.
     */
    static void writeFolder(Path target, FolderWriter writer) {
        Path fresh = target.resolveSibling(target.getFileName() + ".new");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            FileTrees.delete(fresh);
            Files.createDirectories(fresh);
            writer.write(fresh);
            FileTrees.delete(old);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(old);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
    }

    /**
     * The complete one of a folder written by {@link #writeFolder}: {@code target} when it holds {@code marker}, else
     * {@code <target>.old} (a crash between the two renames), or null when neither does.
     */
    static Path completeFolder(Path target, String marker) {
        if (Files.isRegularFile(target.resolve(marker))) {
            return target;
        }
        Path old = target.resolveSibling(target.getFileName() + ".old");
        return Files.isRegularFile(old.resolve(marker)) ? old : null;
    }

    /** The model, optimizer state and training state of the last complete checkpoint in {@code dir}. */
    public static Loaded load(Path dir) {
        Path folder = completeFolder(folder(dir), STATE);
        if (folder == null) {
            throw new KdException(dir + ": no checkpoint to resume from (expected " + folder(dir).resolve(STATE) + ")");
        }
        try {
            TrainingState state = JSON.readValue(folder.resolve(STATE).toFile(), TrainingState.class);
            Map<String, INDArray> params;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(folder.resolve(PARAMS)))) {
                params = NamedArrays.read(new DataInputStream(in));
            }
            Map<String, INDArray> lossParams = Map.of();
            if (Files.isRegularFile(folder.resolve(LOSS_PARAMS))) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(folder.resolve(LOSS_PARAMS)))) {
                    lossParams = NamedArrays.read(new DataInputStream(in));
                }
            }
            Optimizer optimizer;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(folder.resolve(OPTIMIZER)))) {
                DataInputStream data = new DataInputStream(in);
                long first = data.readLong();
                // before the optimizer was named, the file began with the step count and held AdamW's moments
                OptimizerKind kind = first == OPTIMIZER_FORMAT ? optimizerKind(data.readUTF(), folder.resolve(OPTIMIZER))
                        : OptimizerKind.ADAMW;
                long steps = first == OPTIMIZER_FORMAT ? data.readLong() : first;
                Map<String, INDArray> firstState = NamedArrays.read(data);
                Map<String, INDArray> secondState = NamedArrays.read(data);
                optimizer = Optimizer.create(kind, 0);
                optimizer.restore(firstState, secondState, steps);
            }
            return new Loaded(params, lossParams, optimizer, state);
        } catch (IOException | RuntimeException e) {
            if (e instanceof KdException k) {
                throw k;
            }
            throw new KdException(folder + ": checkpoint is unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static OptimizerKind optimizerKind(String name, Path file) {
        for (OptimizerKind kind : OptimizerKind.values()) {
            if (kind.configName().equals(name)) {
                return kind;
            }
        }
        throw new KdException(file + ": unknown optimizer '" + name + "'; expected one of "
                + java.util.Arrays.stream(OptimizerKind.values()).map(OptimizerKind::configName).toList());
    }

    /**
     * A checkpoint read back: parameters by name (copied into a model built from the same config), the loss' own
     * parameters (empty in checkpoints written before they were saved), the optimizer's kind and state (its weight decay
     * comes from the run's config, not the file; AdamW in checkpoints written before the kind was saved) and the training
     * state.
     */
    public record Loaded(Map<String, INDArray> parameters, Map<String, INDArray> lossParameters, Optimizer optimizerState,
                         TrainingState state) {

        /**
         * Copies the saved loss parameters into {@code target} (the loss' arrays, made when the loss was added to the
         * graph); every one must match by name and shape. A checkpoint from before they were saved leaves them at their
         * initial values, with a warning.
         */
        public void restoreLossInto(Map<String, INDArray> target) {
            if (lossParameters.isEmpty() && !target.isEmpty()) {
                LOG.warn("the checkpoint has no loss parameters (written before they were saved): {} restart from their"
                        + " initial values", target.keySet());
                return;
            }
            copyChecked(lossParameters, target, "loss parameter", "the loss",
                    "was distill.hidden_weight or distill.layers changed since the checkpoint?",
                    "were the teachers changed since the checkpoint?");
        }

        /** Copies the saved parameters into {@code model}'s arrays; every parameter must match by name and shape. */
        public void restoreInto(TextClassifier model) {
            copyChecked(parameters, model.parameters(), "parameter", "the model",
                    "was the config changed since the checkpoint?", "was the config changed since the checkpoint?");
        }

        /**
         * Copies {@code saved} into {@code target}'s arrays (those of {@code owner}), which must hold the same names with
         * the same shapes; the error names the {@code what} that differs and asks the {@code namesHint} or
         * {@code shapeHint} question.
         */
        private static void copyChecked(Map<String, INDArray> saved, Map<String, INDArray> target, String what, String owner,
                                        String namesHint, String shapeHint) {
            if (!target.keySet().equals(saved.keySet())) {
                throw new KdException("checkpoint " + what + "s " + saved.keySet() + " do not match " + owner + "'s "
                        + target.keySet() + ": " + namesHint);
            }
            target.forEach((name, array) -> {
                if (!java.util.Arrays.equals(array.shape(), saved.get(name).shape())) {
                    throw new KdException("checkpoint " + what + " " + name + " has shape "
                            + java.util.Arrays.toString(saved.get(name).shape()) + ", " + owner + " "
                            + java.util.Arrays.toString(array.shape()) + ": " + shapeHint);
                }
                array.assign(saved.get(name));
            });
        }
    }
}
