package org.kd4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.api.DistilledClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code predict}: text lines on stdin (tab-separated pairs for pair tasks) to one JSON object per line with the
 * label and the probabilities (or the score for regression).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify lines of stdin with a run directory's student; prints JSON lines.")
final class PredictCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 256;

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin InferenceOptions inference;

    @Option(names = "--model", required = true,
            description = "Run directory (written by 'distill') or exported model.onnx ('export', tokenizer.json beside it).")
    Path model;

    @Option(names = "--engine", defaultValue = "kd4j", paramLabel = "<engine>",
            description = "What runs the student: kd4j, or onnx_runtime (ONNX Runtime on its ONNX form: the exported file,"
                    + " or the run's student exported in memory) (default: ${DEFAULT-VALUE}).")
    DistilledClassifier.Engine engine;

    /** Standard input; replaced in tests. */
    InputStream in = System.in;

    @Override
    public Integer call() {
        DistilledClassifier.Options options = inference.apply(engine, 32);
        try (DistilledClassifier classifier = DistilledClassifier.load(model, options)) {
            boolean pair = classifier.task().isPair();
            PrintWriter out = spec.commandLine().getOut();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
            List<String[]> chunk = new ArrayList<>();
            int lineNo = 0;
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    lineNo++;
                    String[] input = pair ? line.split("\t", -1) : new String[] {line, null};
                    if (pair && input.length != 2) {
                        throw new KdException("stdin line " + lineNo + ": task " + classifier.task()
                                + " takes sentence pairs: expected two texts separated by a tab, found " + input.length + " field(s)");
                    }
                    chunk.add(input);
                    if (chunk.size() == CHUNK) {
                        write(out, classifier, chunk);
                    }
                }
            } catch (CharacterCodingException e) {
                throw new KdException("stdin line " + (lineNo + 1) + ": not valid UTF-8", e);
            } catch (IOException e) {
                throw new KdException("stdin: cannot be read after line " + lineNo + ": " + e, e);
            }
            write(out, classifier, chunk);
            out.flush();
        }
        return Main.EXIT_OK;
    }

    private static void write(PrintWriter out, DistilledClassifier classifier, List<String[]> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        for (DistilledClassifier.Prediction p : classifier.classifyPairs(chunk)) {
            ObjectNode node = JSON.createObjectNode();
            if (classifier.task().isRegression()) {
                node.put("score", p.score());
            } else {
                node.put("label", p.label());
                ObjectNode probabilities = node.putObject("probabilities");
                p.probabilities().forEach(probabilities::put);
            }
            out.println(node);
        }
        chunk.clear();
    }
}
