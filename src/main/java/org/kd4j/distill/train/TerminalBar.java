package org.kd4j.distill.train;

import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A phase's progress as a bar on stderr ({@code me.tongfei:progressbar}): step/total, elapsed time, ETA, examples/s
 * and the last loss. Loaded only when {@link Progress#forConsole()} finds a terminal, so an application without the
 * (optional) progress-bar jar never needs it.
 */
final class TerminalBar implements Progress.Phase {

    private final ProgressBar bar;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long examples;
    private boolean closed;

    private TerminalBar(ProgressBar bar, long total) {
        this.bar = bar;
        this.total = total;
    }

    static Progress.Phase start(String phase, long totalSteps) {
        return new TerminalBar(new ProgressBarBuilder()
                .setTaskName(phase)
                .setInitialMax(totalSteps)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500)
                .build(), totalSteps);
    }

    @Override
    public void update(long step, int batchExamples, double loss) {
        examples += batchExamples;
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        bar.stepTo(step);
        bar.setExtraMessage(String.format(Locale.ROOT, "%.1f ex/s", examples / seconds)
                + (Double.isNaN(loss) ? "" : String.format(Locale.ROOT, ", loss %.4f", loss)));
        if (step >= total) {
            close(); // the last step: the bar's line ends before the dev evaluation logs its line
        }
    }

    @Override
    public void beforeLogLine() {
        if (!closed) {
            System.err.println(); // the bar's line as it stands stays above the log line; the bar redraws below it
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
