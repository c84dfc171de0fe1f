package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kd4j.KdException;
import org.kd4j.config.OptimizerKind;
import org.kd4j.util.NamedArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The optimizer's kind and state in a checkpoint: written and read back, and checkpoints from before the kind was saved. */
class CheckpointOptimizerTest {

    @TempDir Path dir;

    private static Map<String, INDArray> params() {
        return Map.of("x_w", Nd4j.createFromArray(new float[][] {{1f, 2f}}));
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void eachKindAndItsStateReadBack(OptimizerKind kind) {
        Optimizer optimizer = Optimizer.create(kind, 0.01);
        Map<String, INDArray> p = params();
        for (int i = 0; i < 2; i++) {
            optimizer.update(p, Map.of("x_w", Nd4j.createFromArray(new float[][] {{0.5f, -1f}})), Map.of(), 0.1);
        }
        Checkpoint.save(dir, p, Map.of(), optimizer, TrainingState.start());
        Optimizer loaded = Checkpoint.load(dir).optimizerState();
        assertEquals(kind, loaded.kind());
        assertEquals(2, loaded.step());
        assertEquals(optimizer.firstState(), loaded.firstState());
        assertEquals(optimizer.secondState(), loaded.secondState());
    }

    @Test
    void aCheckpointFromBeforeTheKindWasSavedReadsAsAdamW() throws IOException {
        Checkpoint.save(dir, params(), Map.of(), new AdamW(0), TrainingState.start());
        Map<String, INDArray> m = Map.of("x_w", Nd4j.createFromArray(new float[][] {{0.1f, 0.2f}}));
        Map<String, INDArray> v = Map.of("x_w", Nd4j.createFromArray(new float[][] {{0.3f, 0.4f}}));
        // the earlier layout: the step count, then AdamW's first and second moments
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(
                Checkpoint.folder(dir).resolve(Checkpoint.OPTIMIZER)))) {
            out.writeLong(7);
            NamedArrays.write(out, m);
            NamedArrays.write(out, v);
        }
        Optimizer loaded = Checkpoint.load(dir).optimizerState();
        assertEquals(OptimizerKind.ADAMW, loaded.kind());
        assertEquals(7, loaded.step());
        assertEquals(m, loaded.firstState());
        assertEquals(v, loaded.secondState());
    }

    @Test
    void anUnknownOptimizerNameIsAnErrorNamingTheFile() throws IOException {
        Checkpoint.save(dir, params(), Map.of(), new AdamW(0), TrainingState.start());
        Path file = Checkpoint.folder(dir).resolve(Checkpoint.OPTIMIZER);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeLong(Checkpoint.OPTIMIZER_FORMAT);
            out.writeUTF("lamb");
            out.writeLong(1);
            NamedArrays.write(out, Map.of());
            NamedArrays.write(out, Map.of());
        }
        KdException e = assertThrows(KdException.class, () -> Checkpoint.load(dir));
        assertTrue(e.getMessage().startsWith(file + ": unknown optimizer 'lamb'; expected one of [adamw, adadelta, sgd]"),
                e.getMessage());
    }
}
