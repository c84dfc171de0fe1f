package org.kd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code kd4j tokenize}, executed through {@link Main#commandLine()} with stdin and output captured. */
class TokenizeCommandTest {

    static CliRunner run(String stdin, String... args) {
        return CliRunner.runWithStdin(stdin, args);
    }

    @Test
    void singleSentences() {
        CliRunner run = run("hello world\n\nUnaffable!\n", "tokenize");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("""
                {"input_ids":[101,7592,2088,102],"token_type_ids":[0,0,0,0],"attention_mask":[1,1,1,1]}
                {"input_ids":[101,102],"token_type_ids":[0,0],"attention_mask":[1,1]}
                {"input_ids":[101,14477,20961,3468,999,102],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,1,1]}
                """, run.out().replace("\r\n", "\n"));
    }

    @Test
    void pairsAndTruncation() {
        CliRunner run = run("hello world\thow are you\r\n", "tokenize", "--pair", "--max-length", "6");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("{\"input_ids\":[101,7592,102,2129,2024,102],\"token_type_ids\":[0,0,0,1,1,1],"
                + "\"attention_mask\":[1,1,1,1,1,1]}", run.out().trim());
    }

    @Test
    void casedVocabulary() {
        CliRunner run = run("Hello World", "tokenize", "--vocab", "bert-base-cased");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("{\"input_ids\":[101,8667,1291,102]"), run.out());
    }

    @Test
    void pairLineWithoutTabFailsNamingTheLine() {
        CliRunner run = run("a\tb\nno tab here\n", "tokenize", "--pair");
        assertEquals(Main.EXIT_INPUT, run.exitCode());
        assertTrue(run.err().contains("stdin line 2: expected two texts separated by a tab (--pair), found no tab"),
                run.err());
    }

    @Test
    void unknownVocabularyIsAnInputError() {
        CliRunner run = run("hello", "tokenize", "--vocab", "no-such-vocab");
        assertEquals(Main.EXIT_INPUT, run.exitCode());
        assertTrue(run.err().contains("tokenizer 'no-such-vocab': not a bundled vocabulary"), run.err());
    }

    @Test
    void maxLengthTooSmallIsAUsageError() {
        CliRunner run = run("hello", "tokenize", "--pair", "--max-length", "2");
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("--max-length must be at least 3 with --pair"), run.err());
    }

    @Test
    void invalidUtf8IsAnInputError() {
        CliRunner run = CliRunner.runWithStdin(new byte[] {'o', 'k', '\n', (byte) 0xFF, '\n'}, "tokenize");
        assertEquals(Main.EXIT_INPUT, run.exitCode());
        assertTrue(run.err().contains("not valid UTF-8"), run.err());
    }

    @Test
    void helpListsTheCommands() {
        CliRunner run = run("", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("tokenize") && run.out().contains("bench"), run.out());
    }
}
