package org.kd4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The loaded nd4j-native build is the one {@link NativeBuild} chose for this CPU. */
class NativeBuildTest {

    @Test
    void loadedBuildMatchesTheSelection() {
        Nd4j.create(1);
        String build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        boolean fast = NativeBuild.FAST.equals(System.getProperty(NativeBuild.EXTENSION_PROPERTY));
        assertEquals(fast, build.contains("HAVE_ONEDNN"), "selected " + NativeBuild.describe() + ", loaded: " + build);
        assertEquals(NativeBuild.cpuHasAvx512() && System.getProperty("kd4j.native") == null, fast);
    }
}
