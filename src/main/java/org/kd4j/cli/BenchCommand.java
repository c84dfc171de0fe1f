package org.kd4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.tokenize.TokenizerBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kd4j bench}: the parent of the benchmarks; alone it prints its usage. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Micro-benchmarks; results are printed as Markdown tables.",
        subcommands = {BenchCommand.TokenizerBench.class, StudentBenchCommand.class, EncoderBenchCommand.class,
                ServeBenchCommand.class, QualityBenchCommand.class, TeacherBenchCommand.class, BenchCommand.MemoryBench.class})
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.EXIT_USAGE;
    }

    /** {@code kd4j bench tokenizer}: single-thread sentences/s and tokens/s of {@link BertTokenizer#encode}. */
    @Command(
            name = "tokenizer",
            mixinStandardHelpOptions = true,
            description = "Single-thread tokenizer throughput over the first column of a .tsv file (after its"
                    + " header): warm-up passes, then timed passes; median, min and max.")
    static final class TokenizerBench implements Callable<Integer> {

        @Option(names = "--input", defaultValue = "datasets/glue/SST-2/train.tsv", paramLabel = "<tsv>",
                description = "Sentences, one per line after a header, first column (default: ${DEFAULT-VALUE}).")
        Path input;

        @Option(names = "--repeats", defaultValue = "5", paramLabel = "<n>",
                description = "Timed passes (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--warmup", defaultValue = "2", paramLabel = "<n>",
                description = "Untimed warm-up passes (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--vocab", defaultValue = "bert-base-uncased", paramLabel = "<name|file|dir>",
                description = "Tokenizer, as for 'kd4j tokenize' (default: ${DEFAULT-VALUE}).")
        String vocab;

        @Option(names = "--max-length", defaultValue = "128", paramLabel = "<n>",
                description = "Maximum tokens per sentence (default: ${DEFAULT-VALUE}).")
        int maxLength;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (repeats < 1 || warmup < 0 || maxLength < 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "expected --repeats >= 1, --warmup >= 0"
                        + " and --max-length >= 2, found " + repeats + ", " + warmup + " and " + maxLength);
            }
            List<String> sentences = TokenizerBenchmark.readFirstColumn(input);
            BertTokenizer tokenizer = BertTokenizer.load(vocab);
            TokenizerBenchmark.Result result = TokenizerBenchmark.run(tokenizer, sentences, warmup, repeats, maxLength);
            spec.commandLine().getOut().print("Input " + input + "\n" + result.toMarkdown());
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }

    /** {@code kd4j bench memory}: what a freshly mapped page costs on this machine against a reused one. */
    @Command(
            name = "memory",
            mixinStandardHelpOptions = true,
            description = "GB/s and microseconds per 4 KB page of writing freshly mapped memory (map, write, unmap),"
                    + " the same with huge pages asked for, and one mapping reused: median, min and max of timed runs."
                    + " Tells whether returning freed arrays to the system (-Dkd4j.mmapThreshold) costs much here.")
    static final class MemoryBench implements Callable<Integer> {

        @Option(names = "--block-mb", defaultValue = "64", paramLabel = "<MB>",
                description = "MB mapped and written at once, about a large array's size (default: ${DEFAULT-VALUE}).")
        int blockMb;

        @Option(names = "--mb-per-run", defaultValue = "1024", paramLabel = "<MB>",
                description = "MB written per timed run (default: ${DEFAULT-VALUE}).")
        int mbPerRun;

        @Option(names = "--repeats", defaultValue = "5", paramLabel = "<n>",
                description = "Timed runs of each way, after one untimed (default: ${DEFAULT-VALUE}).")
        int repeats;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (blockMb < 1 || mbPerRun < blockMb || repeats < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "expected --block-mb >= 1, --mb-per-run >="
                        + " --block-mb and --repeats >= 1, found " + blockMb + ", " + mbPerRun + " and " + repeats);
            }
            org.kd4j.bench.FreshMemoryBenchmark.Result result =
                    org.kd4j.bench.FreshMemoryBenchmark.run((long) blockMb << 20, (long) mbPerRun << 20, repeats);
            spec.commandLine().getOut().print(result.toMarkdown());
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }
}
