package org.kd4j.plot;

/**
 * Whether XChart, an optional dependency of kd4j, is on the class path. This class names XChart only as text, so
 * callers outside this package can ask before they touch a class that links against it.
 */
public final class PlotLibrary {

    /** The artifact to add when {@link #available()} is false. */
    public static final String ARTIFACT = "org.knowm.xchart:xchart";
    private static final String PROBE = "org.knowm.xchart.XYChart";

    private PlotLibrary() {}

    public static boolean available() {
        try {
            Class.forName(PROBE, false, PlotLibrary.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
