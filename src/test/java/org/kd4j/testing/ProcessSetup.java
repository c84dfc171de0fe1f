package org.kd4j.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.kd4j.util.NativeBuild;
import org.kd4j.util.QuietStdout;

/**
 * What the CLI's {@code main} does for its process, done once for the test JVM before any test loads ND4J (registered in
 * META-INF/services): the nd4j-native build for this CPU, and a stdout without SameDiff M2.1's gradient-builder lines.
 */
public final class ProcessSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select();
        System.setOut(QuietStdout.filter(System.out));
    }
}
