package org.kd4j.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for the plot tests: pixels of a colour, files left in a folder. */
final class PlotTesting {

    private PlotTesting() {
    }

    static int count(BufferedImage image, Color colour) {
        int rgb = colour.getRGB() & 0xFFFFFF;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Pixels of {@code colour} in rows {@code fromY} (inclusive) to {@code toY} (exclusive). */
    static int count(BufferedImage image, Color colour, int fromY, int toY) {
        return count(image.getSubimage(0, fromY, image.getWidth(), toY - fromY), colour);
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
