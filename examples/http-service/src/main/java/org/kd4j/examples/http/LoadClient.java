package org.kd4j.examples.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A load generator for {@link ClassifierService}: {@code clients} threads each send one {@code POST /classify} after
 * another for a window of time; a window gives requests per second over its wall time and the p50 and p99 of the
 * requests' latencies. {@link #main} runs one warm-up window (the server's JIT and the client's), then several windows,
 * and prints each and their medians with min..max.
 */
public final class LoadClient {

    /** What one window measured. */
    public record Window(double requestsPerSecond, double p50Ms, double p99Ms, long requests) { }

    private static final List<String> TEXTS = List.of("a gorgeous, witty, seductive movie",
            "the plot is a mess and the acting is worse", "it 's a charming and often affecting journey",
            "unflinchingly bleak and desperate");

    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public LoadClient(URI classify) {
        this.uri = classify;
    }

    /**
     * {@code clients} threads sending requests until {@code seconds} have passed; every answer must be 200.
     *
     * @throws IOException when a request fails or is answered with another status
     */
    public Window window(int clients, double seconds) throws IOException, InterruptedException {
        if (clients < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("expected clients >= 1 and seconds > 0, found " + clients + ", " + seconds);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Future<List<Long>>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c;
            done.add(pool.submit(() -> {
                List<Long> nanos = new ArrayList<>();
                for (int i = first; System.nanoTime() < end; i++) {
                    String body = "{\"text\": \"" + TEXTS.get(i % TEXTS.size()) + "\"}";
                    long t = System.nanoTime();
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException(uri + " answered " + r.statusCode() + ": " + r.body());
                    }
                    nanos.add(System.nanoTime() - t);
                }
                return nanos;
            }));
        }
        List<Long> all = new ArrayList<>();
        try {
            for (Future<List<Long>> f : done) {
                all.addAll(f.get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(uri + ": " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IOException(uri + ": no request finished within " + seconds + " s");
        }
        return new Window(sorted.length / wall, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted.length);
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Median and min..max of one column of windows, as {@code "median (min..max)"}. */
    static String summary(double[] values, String format) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + ".." + format + ")", median, s[0], s[n - 1]);
    }

    /** {@code <port> [clients (8)] [seconds a window (8)] [windows (3)]}, against {@code http://127.0.0.1:<port>/classify}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: LoadClient <port> [clients (default 8)] [seconds a window (default 8)] [windows (default 3)]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 8;
        int windows = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        LoadClient load = new LoadClient(URI.create("http://127.0.0.1:" + port + "/classify"));
        Window warm = load.window(clients, seconds);
        System.out.printf(Locale.ROOT, "warm-up: %.0f requests/s (not counted)%n", warm.requestsPerSecond());
        double[] rate = new double[windows];
        double[] p50 = new double[windows];
        double[] p99 = new double[windows];
        for (int w = 0; w < windows; w++) {
            Window m = load.window(clients, seconds);
            rate[w] = m.requestsPerSecond();
            p50[w] = m.p50Ms();
            p99[w] = m.p99Ms();
            System.out.printf(Locale.ROOT, "window %d: %d clients, %.0f requests/s, p50 %.2f ms, p99 %.2f ms%n", w + 1, clients,
                    m.requestsPerSecond(), m.p50Ms(), m.p99Ms());
        }
        System.out.printf(Locale.ROOT, "median of %d windows of %.0f s, %d clients: %s requests/s, p50 %s ms, p99 %s ms%n", windows,
                seconds, clients, summary(rate, "%.0f"), summary(p50, "%.2f"), summary(p99, "%.2f"));
    }
}
