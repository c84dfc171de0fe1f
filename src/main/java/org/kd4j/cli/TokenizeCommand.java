package org.kd4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.kd4j.KdException;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.data.tokenize.Encoding;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kd4j tokenize}: encodes UTF-8 lines of stdin, one JSON object per line:
 * {@code {"input_ids":[...],"token_type_ids":[...],"attention_mask":[...]}}.
 */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {
            "Encode lines of stdin with a BERT WordPiece tokenizer (ids identical to Hugging Face tokenizers).",
            "Prints one JSON object per line with input_ids, token_type_ids and attention_mask."
        })
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--vocab", defaultValue = "bert-base-uncased", paramLabel = "<name|file|dir>",
            description = "bert-base-uncased, bert-base-cased, or a vocab.txt, tokenizer.json or model directory"
                    + " (default: ${DEFAULT-VALUE}).")
    String vocab;

    @Option(names = "--pair", description = "Each line holds two texts separated by a tab.")
    boolean pair;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "<n>",
            description = "Maximum tokens per example, special tokens included; longer input is truncated"
                    + " longest-first (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Where lines are read from; tests replace it. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        int specials = pair ? 3 : 2;
        if (maxLength < specials) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-length must be at least " + specials
                    + (pair ? " with --pair" : "") + " (room for the special tokens), found " + maxLength);
        }
        BertTokenizer tokenizer = BertTokenizer.load(vocab);
        PrintWriter out = spec.commandLine().getOut();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)));
        JsonGenerator json = new JsonFactory().createGenerator(out);
        json.setRootValueSeparator(null);
        int lineNo = 0;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                write(json, encode(tokenizer, line, lineNo));
                json.flush();
                out.println();
            }
        } catch (CharacterCodingException e) {
            throw new KdException("stdin line " + (lineNo + 1) + ": not valid UTF-8", e);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private Encoding encode(BertTokenizer tokenizer, String line, int lineNo) {
        if (!pair) {
            return tokenizer.encode(line, null, maxLength);
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
            throw new KdException("stdin line " + lineNo + ": expected two texts separated by a tab (--pair),"
                    + " found no tab");
        }
        return tokenizer.encode(line.substring(0, tab), line.substring(tab + 1), maxLength);
    }

    private static void write(JsonGenerator json, Encoding encoding) throws IOException {
        int n = encoding.length();
        int[] mask = new int[n];
        Arrays.fill(mask, 1);
        json.writeStartObject();
        json.writeFieldName("input_ids");
        json.writeArray(encoding.inputIds(), 0, n);
        json.writeFieldName("token_type_ids");
        json.writeArray(encoding.tokenTypeIds(), 0, n);
        json.writeFieldName("attention_mask");
        json.writeArray(mask, 0, n);
        json.writeEndObject();
    }
}
