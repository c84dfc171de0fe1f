package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.data.tokenize.BertTokenizer;

/**
 * The default mask token is one id, [MASK]'s, for every teacher tokenizer kd4j ships or imports. It is never split
 * into the pieces {@code [ mask ]}.
 */
class MaskTokenTest {

    @TempDir Path dir;

    private static final String TEXT = "a " + AugmentSettings.DEFAULT_MASK + " film";

    private BertTokenizer fromJar(String resource) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " not on the test classpath");
            Path file = dir.resolve(resource);
            Files.copy(in, file);
            return BertTokenizer.fromTokenizerJson(file);
        }
    }

    @Test
    void bertBaseUncased() {
        // [CLS]=101 a=1037 [MASK]=103 film=2143 [SEP]=102
        assertArrayEquals(new int[] {101, 1037, 103, 2143, 102}, BertTokenizer.load("bert-base-uncased").encode(TEXT, null, 16).inputIds());
    }

    @Test
    void bertBaseCased() {
        BertTokenizer cased = BertTokenizer.load("bert-base-cased");
        int[] ids = cased.encode(TEXT, null, 16).inputIds();
        assertArrayEquals(new int[] {101, 170, 103, 1273, 102}, ids);
    }

    @Test
    void allMiniLmAndBgeTokenizerJson() throws IOException {
        for (String resource : new String[] {"all-minilm-l6-v2-tokenizer.json", "bge-small-en-v1.5-tokenizer.json"}) {
            assertArrayEquals(new int[] {101, 1037, 103, 2143, 102}, fromJar(resource).encode(TEXT, null, 16).inputIds(), resource);
        }
    }
}
