package org.kd4j.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.kd4j.util.NativeBuild;

/** Selects the nd4j-native build before any test loads ND4J, as the CLI does (registered in META-INF/services). */
public final class NativeBuildSelection implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select();
    }
}
