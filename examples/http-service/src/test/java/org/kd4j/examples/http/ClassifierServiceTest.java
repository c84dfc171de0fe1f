package org.kd4j.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.api.DistilledClassifier;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.model.ModelConfig;
import org.kd4j.model.ModelType;
import org.kd4j.model.Pooling;
import org.kd4j.testing.TinyRuns;

/**
 * The example service through real HTTP on the loopback address: concurrent requests answered as the classifier
 * answers them, malformed bodies (400), an oversize body (413), another method (405), and a clean shutdown.
 */
class ClassifierServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 1024;
    private static final List<String> TEXTS = List.of("the movie was great", "a boring plot", "it was really awful and bad",
            "good film !", "the story", "wonderful", "bad", "and it was a really good story");

    @TempDir static Path root;
    static DistilledClassifier classifier;
    static ClassifierService service;
    static HttpClient client;
    static ExecutorService clientThreads;

    @BeforeAll
    static void start() throws IOException {
        Path run = root.resolve("run");
        TinyRuns.write(run, ModelConfig.of(ModelType.TRANSFORMER, 1, 16, 2, 32, 32, Pooling.MEAN), GlueTask.SST2, 24, 1);
        classifier = DistilledClassifier.load(run, DistilledClassifier.Options.defaults().withWorkers(2));
        service = ClassifierService.start(classifier,
                new ClassifierService.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, LIMIT));
        clientThreads = Executors.newFixedThreadPool(4);
        client = HttpClient.newBuilder().executor(clientThreads).build();
    }

    @AfterAll
    static void stop() {
        service.close();
        classifier.close();
        clientThreads.shutdownNow();
    }

    private static URI uri(ClassifierService s, String path) {
        return URI.create("http://" + s.address().getHostString() + ":" + s.address().getPort() + path);
    }

    private static HttpRequest post(String body) {
        return HttpRequest.newBuilder(uri(service, "/classify")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void concurrentRequestsGetTheClassifiersAnswers() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String body = JSON.createObjectNode().put("text", TEXTS.get(i % TEXTS.size())).toString();
            responses.add(client.sendAsync(post(body), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<String> r = responses.get(i).get();
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonNode answer = JSON.readTree(r.body());
            DistilledClassifier.Prediction expected = classifier.classify(List.of(TEXTS.get(i % TEXTS.size()))).get(0);
            assertEquals(expected.label(), answer.get("label").asText());
            for (String label : classifier.labels()) {
                assertEquals(expected.probabilities().get(label), answer.get("probabilities").get(label).asDouble(), 1e-6);
            }
        }
    }

    /** On ONNX Runtime the service answers as kd4j's engine does, with a permit for every request thread. */
    @Test
    void onTheOnnxRuntimeEngineTheAnswersAreKd4jsWithAWorkerPerRequestThread() throws Exception {
        ClassifierService.Config config = new ClassifierService.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 3, LIMIT);
        DistilledClassifier.Options options = ClassifierService.options(DistilledClassifier.Engine.ONNX_RUNTIME, config);
        assertEquals(3, options.workers());
        assertEquals(DistilledClassifier.Engine.ONNX_RUNTIME, options.engine());
        assertEquals(DistilledClassifier.Options.defaults().withCoalescing(true), ClassifierService.options(DistilledClassifier.Engine.KD4J, config));
        try (DistilledClassifier onOrt = DistilledClassifier.load(root.resolve("run"), options);
             ClassifierService ort = ClassifierService.start(onOrt, config)) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String body = JSON.createObjectNode().put("text", TEXTS.get(i % TEXTS.size())).toString();
                responses.add(client.sendAsync(HttpRequest.newBuilder(uri(ort, "/classify")).POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < responses.size(); i++) {
                HttpResponse<String> r = responses.get(i).get();
                assertEquals(200, r.statusCode(), r.body());
                JsonNode answer = JSON.readTree(r.body());
                DistilledClassifier.Prediction expected = classifier.classify(List.of(TEXTS.get(i % TEXTS.size()))).get(0);
                for (String label : classifier.labels()) {
                    assertEquals(expected.probabilities().get(label), answer.get("probabilities").get(label).asDouble(), 1e-5);
                }
            }
        }
    }

    /**
     * Answers are sent without waiting for the client's delayed acknowledgement: the JDK's server writes the headers and
     * the body apart, and without TCP_NODELAY every answer waited about 40 ms for the client to acknowledge the headers
     * (Nagle's algorithm against delayed ACKs). A request to the tiny model takes a few milliseconds, so the median of
     * sequential requests stays far below 40 ms unless the stall is back.
     */
    @Test
    void answersDoNotWaitForTheClientsDelayedAcknowledgement() throws Exception {
        String body = JSON.createObjectNode().put("text", TEXTS.get(0)).toString();
        client.send(post(body), HttpResponse.BodyHandlers.ofString()); // warm
        long[] ms = new long[21];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(post(body), HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
        }
        java.util.Arrays.sort(ms);
        assertTrue(ms[ms.length / 2] < 30, "median request " + ms[ms.length / 2] + " ms: " + java.util.Arrays.toString(ms));
    }

    @Test
    void theLoadClientMeasuresWindowsAndRefusesErrorAnswers() throws Exception {
        LoadClient.Window w = new LoadClient(uri(service, "/classify")).window(2, 0.3);
        assertTrue(w.requests() > 0 && w.requestsPerSecond() > 0, w.toString());
        assertTrue(w.p50Ms() > 0 && w.p50Ms() <= w.p99Ms(), w.toString());
        assertEquals("2 (1..3)", LoadClient.summary(new double[] {3, 1, 2}, "%.0f"));
        IOException e = assertThrows(IOException.class, () -> new LoadClient(uri(service, "/nowhere")).window(1, 0.1));
        assertTrue(e.getMessage().contains("answered 404"), e.getMessage());
    }

    @Test
    void enginesAreReadInAnyCaseAndAnUnknownOneIsNamed() {
        assertEquals(DistilledClassifier.Engine.ONNX_RUNTIME, ClassifierService.engine("onnx_runtime"));
        assertEquals(DistilledClassifier.Engine.KD4J, ClassifierService.engine("KD4J"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassifierService.engine("tensorflow"));
        assertEquals("engine: expected one of kd4j, onnx_runtime, found 'tensorflow'", e.getMessage());
    }

    @Test
    void malformedBodiesAre400WithAMessage() throws Exception {
        HttpResponse<String> notJson = client.send(post("{\"text\": \"unterminated"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, notJson.statusCode());
        assertTrue(JSON.readTree(notJson.body()).get("error").asText().startsWith("malformed JSON body: "), notJson.body());

        HttpResponse<String> noText = client.send(post("{\"txt\": \"a good film\"}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noText.statusCode());
        assertEquals("field 'text': expected a non-empty string, found none", JSON.readTree(noText.body()).get("error").asText());

        HttpResponse<String> number = client.send(post("{\"text\": 42}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, number.statusCode());
        assertEquals("field 'text': expected a non-empty string, found 42", JSON.readTree(number.body()).get("error").asText());

        HttpResponse<String> array = client.send(post("[\"a good film\"]"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, array.statusCode());
        assertTrue(JSON.readTree(array.body()).get("error").asText().startsWith("expected a JSON object"), array.body());

        HttpResponse<String> pair = client.send(post("{\"text\": \"a\", \"text_pair\": \"b\"}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, pair.statusCode());
        assertTrue(JSON.readTree(pair.body()).get("error").asText().contains("takes one text"), pair.body());
    }

    @Test
    void anOversizeBodyIs413() throws Exception {
        String big = JSON.createObjectNode().put("text", "good ".repeat(LIMIT)).toString();
        HttpResponse<String> r = client.send(post(big), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("body of " + big.length() + " bytes; the limit is " + LIMIT, JSON.readTree(r.body()).get("error").asText());
        // the service goes on serving
        assertEquals(200, client.send(post("{\"text\": \"good film\"}"), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void otherMethodsAndPaths() throws Exception {
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri(service, "/classify")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri(service, "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("SST-2", JSON.readTree(health.body()).get("task").asText());
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(uri(service, "/classify/x")).POST(
                HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
    }

    @Test
    void closeStopsListeningAndEveryRequestThread() throws Exception {
        ClassifierService second = ClassifierService.start(classifier, ClassifierService.Config.loopback(0));
        HttpRequest request = HttpRequest.newBuilder(uri(second, "/classify")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"text\": \"a wonderful story\"}")).build();
        assertEquals(200, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(requestThreads(second) >= 1);
        second.close();
        assertThrows(ConnectException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(0, requestThreads(second));
        // the classifier is the caller's: it and the first service go on
        assertEquals(200, client.send(post("{\"text\": \"good film\"}"), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static long requestThreads(ClassifierService s) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(s.threadPrefix())).count();
    }
}
