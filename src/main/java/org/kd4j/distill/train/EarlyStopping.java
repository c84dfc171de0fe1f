package org.kd4j.distill.train;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Ends training after {@code patience} epochs without a better dev score (0: never). */
final class EarlyStopping implements TrainingListener {

    private static final Logger LOG = LogManager.getLogger(EarlyStopping.class);

    private final int patience;
    private String name = "";

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    @Override
    public void onTrainingBegin(Run run, TrainingState state) {
        name = run.name();
    }

    @Override
    public boolean stopAfterEpoch(TrainingState state) {
        boolean stop = patience > 0 && state.epochsWithoutImprovement() >= patience;
        if (stop) {
            LOG.info("{}: early stop after epoch {}: no better dev score for {} epochs", name, state.epoch(),
                    state.epochsWithoutImprovement());
        }
        return stop;
    }
}
