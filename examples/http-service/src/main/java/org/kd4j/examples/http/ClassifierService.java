package org.kd4j.examples.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.api.DistilledClassifier;

/**
 * A small HTTP service around a distilled student, on the JDK's own {@link HttpServer}:
 * <pre>
 * POST /classify  {"text": "a gorgeous, witty film"}            -> 200 {"label": "1", "probabilities": {"0": 0.08, "1": 0.92}}
 *                 {"text": "...", "text_pair": "..."}            (sentence-pair tasks; regression answers {"score": 3.8})
 * GET  /health                                                  -> 200 {"status": "ok", "task": "SST-2", "labels": ["0", "1"]}
 * </pre>
 * A malformed body is 400, a body over the limit 413, another method 405, each with {@code {"error": "..."}}.
 * Requests are served by a fixed pool of threads that call one {@link DistilledClassifier} (thread-safe, its own
 * workers run the model; {@link #options} for the engine); {@link #close()} stops accepting, lets running requests
 * finish and stops every thread. Connections are TCP_NODELAY ({@link #NO_DELAY}).
 *
 * <p>Run it: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.kd4j.examples.http.ClassifierService -Dexec.args="runs/sst2-demo 8080 onnx_runtime"} (the engine
 * is optional; kd4j's own by default).
 */
public final class ClassifierService implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ClassifierService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param address      where to listen (port 0: any free port)
     * @param threads      request threads
     * @param maxBodyBytes largest request body accepted
     */
    public record Config(InetSocketAddress address, int threads, int maxBodyBytes) {
        public Config {
            if (address == null || threads < 1 || maxBodyBytes < 16) {
                throw new IllegalArgumentException("expected an address, threads >= 1 and a body limit >= 16 bytes, found "
                        + address + ", " + threads + ", " + maxBodyBytes);
            }
        }

        /** Loopback, the given port, 8 request threads, bodies up to 64 KiB. */
        public static Config loopback(int port) {
            return new Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8, 64 * 1024);
        }
    }

    /** A request answered with an error status and message. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final DistilledClassifier classifier;
    private final Config config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String threadPrefix;
    private InetSocketAddress bound;

    private ClassifierService(DistilledClassifier classifier, Config config) throws IOException {
        this.classifier = classifier;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.threadPrefix = "kd4j-http@" + Integer.toHexString(System.identityHashCode(this)) + "-";
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> new Thread(r, threadPrefix + n.incrementAndGet()));
        this.server = HttpServer.create(config.address(), 0);
        server.createContext("/classify", this::classify);
        server.createContext("/health", this::health);
        server.setExecutor(executor);
    }

    /**
     * The JDK server's switch for TCP_NODELAY on the connections it accepts, read once per JVM when its first server
     * starts. Without it every answer waited about 40 ms: the server writes the headers and the body apart, and Nagle's
     * algorithm held the body back until the client acknowledged the headers, which it delays by up to 40 ms. Measured
     * with {@link LoadClient} (8 clients) on 2 cores, the README's demo student: on ONNX Runtime 179 requests/s at a
     * 44 ms median without it, 3,425-3,552 at 2.0-2.1 ms with it; on kd4j's engine 144 against 284-286.
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    /**
     * Starts serving {@code classifier} (which stays the caller's to close). Sets {@value #NO_DELAY} to true unless the
     * application has set it: a JVM-wide setting of the JDK's server, read when the JVM's first one starts.
     */
    public static ClassifierService start(DistilledClassifier classifier, Config config) throws IOException {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        ClassifierService service = new ClassifierService(classifier, config);
        service.server.start();
        service.bound = service.server.getAddress();
        LOG.info("serving {} ({} labels) on http://{}:{}/classify", classifier.task(), classifier.labels().size(),
                service.address().getHostString(), service.address().getPort());
        return service;
    }

    /** The address listened on (with the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return bound;
    }

    /** The name prefix of this service's request threads (for tests). */
    String threadPrefix() {
        return threadPrefix;
    }

    private void classify(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (!exchange.getRequestURI().getPath().equals("/classify")) {
                    throw new BadRequest(404, "no such resource: " + exchange.getRequestURI().getPath());
                }
                if (!exchange.getRequestMethod().equals("POST")) {
                    exchange.getResponseHeaders().add("Allow", "POST");
                    throw new BadRequest(405, "use POST with a JSON body {\"text\": ...}");
                }
                JsonNode body = parse(readBody(exchange));
                String text = text(body, "text");
                String pair = body.has("text_pair") ? text(body, "text_pair") : null;
                if (classifier.task().isPair() != (pair != null)) {
                    throw new BadRequest(400, "task " + classifier.task() + (classifier.task().isPair()
                            ? " classifies sentence pairs: give \"text\" and \"text_pair\"" : " takes one text: no \"text_pair\""));
                }
                DistilledClassifier.Prediction p = classifier.classifyPairs(List.<String[]>of(new String[] {text, pair})).get(0);
                ObjectNode answer = JSON.createObjectNode();
                if (classifier.task().isRegression()) {
                    answer.put("score", p.score());
                } else {
                    answer.put("label", p.label());
                    ObjectNode probabilities = answer.putObject("probabilities");
                    p.probabilities().forEach(probabilities::put);
                }
                send(exchange, 200, answer);
            } catch (BadRequest e) {
                send(exchange, e.status, JSON.createObjectNode().put("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("request failed", e);
                send(exchange, 500, JSON.createObjectNode().put("error", "internal error: " + e));
            }
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            ObjectNode answer = JSON.createObjectNode().put("status", "ok").put("task", classifier.task().displayName());
            classifier.labels().forEach(answer.putArray("labels")::add);
            send(exchange, 200, answer);
        }
    }

    /** The body, refused with 413 beyond the limit (by its declared length, or while reading a chunked one). */
    private byte[] readBody(HttpExchange exchange) throws IOException, BadRequest {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Content-Length is not a number: " + declared);
            }
            if (length > config.maxBodyBytes()) {
                throw new BadRequest(413, "body of " + length + " bytes; the limit is " + config.maxBodyBytes());
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(config.maxBodyBytes() + 1);
            if (body.length > config.maxBodyBytes()) {
                throw new BadRequest(413, "body over the limit of " + config.maxBodyBytes() + " bytes");
            }
            return body;
        }
    }

    private static JsonNode parse(byte[] body) throws BadRequest {
        try {
            JsonNode node = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new BadRequest(400, "expected a JSON object {\"text\": ...}, found " + (node == null ? "an empty body" : node.getNodeType()));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "malformed JSON body: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) throws BadRequest {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(400, "field '" + field + "': expected a non-empty string, found " + (v == null ? "none" : v));
        }
        return v.asText();
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting, gives running requests up to a second to finish, and stops the request threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped serving on port {}", address().getPort());
    }

    /**
     * The classifier's options for serving on {@code engine} behind {@code config}'s request threads. On ONNX Runtime a
     * worker is a permit to run the session (each request runs it on its own thread), so every request thread gets
     * one: with fewer, requests beyond the workers wait for a permit, and on 2 cores 8 callers got 0.82-0.90 of a bare
     * session's throughput with 2 workers against 0.98-1.06 with 8 ({@code bench serve}, docs/performance.md). On
     * kd4j's engine, one worker (with its replica of the graph) per core, with coalescing: requests that wait for a
     * worker at the same time run as one batch, which doubled {@code bench serve}'s throughput under 8 callers.
     */
    public static DistilledClassifier.Options options(DistilledClassifier.Engine engine, Config config) {
        DistilledClassifier.Options defaults = DistilledClassifier.Options.defaults().withEngine(engine);
        return engine == DistilledClassifier.Engine.ONNX_RUNTIME ? defaults.withWorkers(config.threads()) : defaults.withCoalescing(true);
    }

    /** An engine by its name in any case ({@code kd4j}, {@code onnx_runtime}). */
    static DistilledClassifier.Engine engine(String name) {
        for (DistilledClassifier.Engine e : DistilledClassifier.Engine.values()) {
            if (e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("engine: expected one of " + java.util.Arrays.stream(DistilledClassifier.Engine.values())
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.joining(", "))
                + ", found '" + name + "'");
    }

    /**
     * {@code <run directory or model.onnx> [port (default 8080)] [engine: kd4j (default) | onnx_runtime]}: serves on
     * the loopback address until the JVM is stopped.
     */
    public static void main(String[] args) throws IOException {
        String usage = "usage: ClassifierService <run directory | model.onnx> [port (default 8080)] [engine: kd4j (default) | onnx_runtime]";
        if (args.length < 1 || args.length > 3) {
            System.err.println(usage);
            System.exit(2);
        }
        Config config;
        DistilledClassifier.Engine engine;
        try {
            config = Config.loopback(args.length > 1 ? Integer.parseInt(args[1]) : 8080);
            engine = args.length > 2 ? engine(args[2]) : DistilledClassifier.Engine.KD4J;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "; " + usage);
            System.exit(2);
            return;
        }
        DistilledClassifier classifier = DistilledClassifier.load(Path.of(args[0]), options(engine, config));
        ClassifierService service = start(classifier, config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            classifier.close();
        }, "kd4j-http-shutdown"));
    }
}
