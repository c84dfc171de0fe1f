package org.kd4j.distill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kd4j.distill.train.TrainingPhases.Phase;

class TrainingPhasesTest {

    @Test
    void summaryGivesEachCallerPhaseItsShareTheRestAsOtherAndWorkerPhasesApart() {
        TrainingPhases phases = new TrainingPhases();
        phases.add(Phase.GRADIENTS, 6_000_000_000L);
        phases.add(Phase.GRADIENTS, 500_000_000L);
        phases.add(Phase.OPTIMIZER, 2_000_000_000L);
        phases.add(Phase.EVALUATION, 1_000_000_000L);
        phases.add(Phase.GRAPH, 4_000_000_000L);
        phases.add(Phase.FEED, 3_000_000_000L);
        phases.add(Phase.INPUTS_BACKWARD, 40_000_000L); // shown as 0.0 s: left out
        phases.add(Phase.CLIPPING, 10_000_000L);

        assertEquals(6.5, phases.seconds(Phase.GRADIENTS), 1e-12);
        assertEquals(0.0, phases.seconds(Phase.BATCHES), 0.0);
        assertEquals("10.0 s: forward and backward 6.5 s (65%), optimizer 2.0 s (20%), dev evaluation 1.0 s (10%),"
                + " other 0.5 s (5%); of forward and backward, summed over the workers' threads:"
                + " embeddings and recurrent layer forward 3.0 s, graph forward and backward 4.0 s", phases.summary(10.0));
    }

    @Test
    void withoutWorkerPhasesTheSummaryStopsAtOtherAndOtherIsNeverNegative() {
        TrainingPhases phases = new TrainingPhases();
        phases.add(Phase.BATCHES, 3_000_000_000L);
        String line = phases.summary(2.0); // a clock that ran past the wall time given: other is 0, not negative
        assertEquals("2.0 s: batches 3.0 s (150%), other 0.0 s (0%)", line);
        assertFalse(line.contains("workers"), line);
    }

    @Test
    void sinceAddsTheElapsedTimeAndReturnsNowAndNegativeDurationsAreRefused() throws InterruptedException {
        TrainingPhases phases = new TrainingPhases();
        long start = System.nanoTime();
        Thread.sleep(20);
        long now = phases.since(Phase.LISTENERS, start);
        assertTrue(now - start >= 20_000_000L, "returned " + (now - start) + " ns after the start");
        assertEquals((now - start) / 1e9, phases.seconds(Phase.LISTENERS), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> phases.add(Phase.GRAPH, -1));
        assertTrue(e.getMessage().contains("GRAPH") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void workersAddingAtOnceLoseNothing() throws InterruptedException {
        TrainingPhases phases = new TrainingPhases();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    phases.add(Phase.GRAPH, 1_000);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(4 * 10_000 * 1_000 / 1e9, phases.seconds(Phase.GRAPH), 1e-12);
    }

    @Test
    void addWorkerPhasesSumsTheOtherRunsWorkersOnlyNotItsCallerPhases() {
        TrainingPhases joint = new TrainingPhases();
        joint.add(Phase.GRADIENTS, 5_000_000_000L);
        TrainingPhases engine = new TrainingPhases();
        engine.add(Phase.GRAPH, 2_000_000_000L);
        engine.add(Phase.FEED, 500_000_000L);
        engine.add(Phase.GRADIENTS, 9_000_000_000L); // a caller phase of the engine's own: not the joint run's
        joint.addWorkerPhases(engine);
        joint.addWorkerPhases(engine);
        assertEquals(4.0, joint.seconds(Phase.GRAPH), 1e-12);
        assertEquals(1.0, joint.seconds(Phase.FEED), 1e-12);
        assertEquals(5.0, joint.seconds(Phase.GRADIENTS), 1e-12);
        assertEquals(2.0, engine.seconds(Phase.GRAPH), 1e-12, "the other run is left as it was");
    }
}
