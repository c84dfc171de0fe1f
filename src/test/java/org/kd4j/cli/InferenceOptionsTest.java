package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.api.DistilledClassifier.Engine;
import picocli.CommandLine;

/** {@code predict} and {@code evaluate} take the classifier's options; training's options are refused there. */
class InferenceOptionsTest {

    private static InferenceOptions parsed(String command, String... options) {
        CommandLine cl = Main.commandLine();
        String[] args = new String[options.length + 3];
        args[0] = command;
        args[1] = "--model";
        args[2] = "runs/x";
        System.arraycopy(options, 0, args, 3, options.length);
        cl.parseArgs(args);
        Object c = cl.getSubcommands().get(command).getCommand();
        return c instanceof PredictCommand p ? p.inference : ((EvaluateCommand) c).inference;
    }

    @Test
    void theOptionsGivenReachTheClassifier() {
        DistilledClassifier.Options o = parsed("predict", "--workers", "3", "--batch-size", "5").options(Engine.ONNX_RUNTIME, 32);
        assertEquals(3, o.workers());
        assertEquals(5, o.batchSize());
        assertEquals(Engine.ONNX_RUNTIME, o.engine());
        assertEquals(false, o.coalescing());
    }

    @Test
    void withoutThemOneWorkerPerCoreAndTheCommandsBatchSize() {
        int cores = Runtime.getRuntime().availableProcessors();
        DistilledClassifier.Options predict = parsed("predict").options(Engine.KD4J, 32);
        assertEquals(cores, predict.workers());
        assertEquals(32, predict.batchSize());
        DistilledClassifier.Options evaluate = parsed("evaluate", "--workers", "0").options(Engine.KD4J, 64);
        assertEquals(cores, evaluate.workers());
        assertEquals(64, evaluate.batchSize());
    }

    @Test
    void outOfRangeValuesAreUsageErrorsBeforeAnyModelLoads() {
        // the run directory does not exist: the options are judged first
        CliRunner batch = CliRunner.run("predict", "--model", "runs/none", "--batch-size", "0");
        assertEquals(Main.EXIT_USAGE, batch.exitCode());
        assertEquals("error: --batch-size: expected 1 to 4096, found 0 (see 'kd4j predict --help')", batch.err().strip());
        CliRunner workers = CliRunner.run("evaluate", "--model", "runs/none", "--workers", "257");
        assertEquals(Main.EXIT_USAGE, workers.exitCode());
        assertEquals("error: --workers: expected 0 (one per core) to 256, found 257 (see 'kd4j evaluate --help')",
                workers.err().strip());
        CliRunner threads = CliRunner.run("predict", "--model", "runs/none", "--threads", "-1");
        assertEquals(Main.EXIT_USAGE, threads.exitCode());
        assertTrue(threads.err().startsWith("error: --threads: expected 0 (ND4J's own default) or more, found -1"), threads.err());
    }

    @Test
    void trainingOptionsAreNotOfferedWhereNothingTrains() {
        CliRunner micro = CliRunner.run("predict", "--model", "runs/none", "--micro-batch-tokens", "1024");
        assertEquals(Main.EXIT_USAGE, micro.exitCode());
        assertTrue(micro.err().startsWith("error: Unknown options: '--micro-batch-tokens', '1024'"), micro.err());
        CliRunner exportWorkers = CliRunner.run("export", "--model", "runs/none", "--onnx", "x.onnx", "--workers", "2");
        assertEquals(Main.EXIT_USAGE, exportWorkers.exitCode());
        assertTrue(exportWorkers.err().startsWith("error: Unknown options: '--workers', '2'"), exportWorkers.err());
    }
}
