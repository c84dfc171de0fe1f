package org.kd4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Chooses which nd4j-native build JavaCPP loads, before ND4J starts: the oneDNN + AVX-512 build on CPUs that have
 * AVX-512 (measured faster; see the README's "Measured"), the portable AVX2 build otherwise. The choice goes through
 * JavaCPP's {@value #EXTENSION_PROPERTY} system property; setting it yourself, or {@code -Dkd4j.native=portable},
 * overrides this. Must run before the first ND4J call to have an effect: the entry points call it (the CLI first
 * thing, {@code DistilledClassifier.load}, the tests' launcher session); the library never does.
 */
public final class NativeBuild {

    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String FAST = "-onednn-avx512";
    private static final String FAST_LIBRARY = "/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + FAST + "/libnd4jcpu.so";
    private static final Set<String> AVX512 = Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl");

    private NativeBuild() {}

    /** Selects the build once (idempotent); returns the extension in force ("" for the default build). */
    public static synchronized String select() {
        String chosen = System.getProperty(EXTENSION_PROPERTY);
        if (chosen != null) {
            return chosen;
        }
        String wanted = System.getProperty("kd4j.native", "auto").toLowerCase(Locale.ROOT);
        if (wanted.equals("auto") && cpuHasAvx512() && NativeBuild.class.getResource(FAST_LIBRARY) != null) {
            System.setProperty(EXTENSION_PROPERTY, FAST);
            return FAST;
        }
        return "";
    }

    /** Whether /proc/cpuinfo lists the AVX-512 subsets the build needs (false where it cannot be read). */
    static boolean cpuHasAvx512() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            Set<String> flags = lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(Set.of());
            return flags.containsAll(AVX512);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** For logs: the extension and the CPU flags it was chosen from. */
    public static String describe() {
        String ext = System.getProperty(EXTENSION_PROPERTY, "");
        return (ext.isEmpty() ? "portable AVX2 build" : "build " + ext) + (cpuHasAvx512() ? " (CPU has AVX-512)" : "");
    }
}
