package org.kd4j.data.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The real Hugging Face tokenizers (Rust, through DJL) as the test oracle. Uncased: the hub's
 * bert-base-uncased tokenizer.json. Cased: the same file with the bundled cased vocabulary and
 * {@code lowercase=false} (no such file is shipped, the Rust library still does all the work).
 *
 * <p>DJL is kept offline ({@code offline}, {@code OPT_OUT_TRACKING}, set by surefire and again here) and a
 * recording {@link ProxySelector} notes any HTTP(S) connection the JVM attempts, see {@link #networkAttempts()}.
 */
final class HfOracle {

    static final String UNCASED_JSON = "/org/kd4j/data/tokenize/bert-base-uncased-tokenizer.json";
    /** Effectively no truncation. */
    static final int NO_LIMIT = 100_000;

    private static final List<URI> NETWORK_ATTEMPTS = new CopyOnWriteArrayList<>();
    private static final Map<String, HuggingFaceTokenizer> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // DJL probes for CUDA and warns when the driver is too old; the CPU oracle does not care
        Configurator.setLevel("ai.djl.util.cuda", Level.ERROR);
        ProxySelector previous = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                NETWORK_ATTEMPTS.add(uri);
                return previous == null ? List.of(Proxy.NO_PROXY) : previous.select(uri);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
    }

    private final HuggingFaceTokenizer tokenizer;

    private HfOracle(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static HfOracle uncased(int maxLength) {
        return of("uncased", HfOracle::uncasedJson, maxLength);
    }

    static HfOracle cased(int maxLength) {
        return of("cased", HfOracle::casedJson, maxLength);
    }

    /** An oracle for any tokenizer.json text; {@code key} names it in the cache. */
    static HfOracle of(String key, Supplier<String> json, int maxLength) {
        return new HfOracle(CACHE.computeIfAbsent(key + "@" + maxLength, k -> create(json.get(), maxLength)));
    }

    static List<URI> networkAttempts() {
        return List.copyOf(NETWORK_ATTEMPTS);
    }

    /** {@code [CLS] A [SEP] (B [SEP])} as the Rust library encodes it; {@code b} may be null. */
    Encoding encode(String a, String b) {
        ai.djl.huggingface.tokenizers.Encoding e = b == null ? tokenizer.encode(a) : tokenizer.encode(a, b);
        return new Encoding(toInts(e.getIds()), toInts(e.getTypeIds()));
    }

    /** WordPiece ids without special tokens (the oracle must have been built with {@link #NO_LIMIT}). */
    int[] wordPieceIds(String text) {
        int[] ids = encode(text, null).inputIds();
        return Arrays.copyOfRange(ids, 1, ids.length - 1);
    }

    static String uncasedJson() {
        try (InputStream in = HfOracle.class.getResourceAsStream(UNCASED_JSON)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uncased file rewritten for the bundled bert-base-cased vocabulary, no lowercasing. */
    static String casedJson() {
        try (InputStream in = HfOracle.class.getResourceAsStream("/org/kd4j/vocab/bert-base-cased/vocab.txt")) {
            String[] tokens = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            ObjectNode root = (ObjectNode) MAPPER.readTree(uncasedJson());
            ObjectNode vocab = MAPPER.createObjectNode();
            for (int i = 0; i < tokens.length; i++) {
                vocab.put(tokens[i], i);
            }
            ((ObjectNode) root.get("model")).set("vocab", vocab);
            ((ObjectNode) root.get("normalizer")).put("lowercase", false).putNull("strip_accents");
            for (var token : root.get("added_tokens")) {
                ((ObjectNode) token).put("id", vocab.get(token.get("content").asText()).asInt());
            }
            ObjectNode specials = (ObjectNode) root.get("post_processor").get("special_tokens");
            specials.fields().forEachRemaining(e -> ((ArrayNode) e.getValue().get("ids")).removeAll()
                    .add(vocab.get(e.getKey()).asInt()));
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HuggingFaceTokenizer create(String json, int maxLength) {
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "padding", "false",
                "truncation", "true",
                "maxLength", String.valueOf(maxLength),
                "modelMaxLength", String.valueOf(NO_LIMIT));
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] toInts(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }
}
