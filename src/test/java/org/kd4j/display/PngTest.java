package org.kd4j.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {

    private static BufferedImage twoPixels() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        image.setRGB(1, 0, 0x0000ff);
        return image;
    }

    @Test
    void bytesAreAPngThatDecodesToTheSamePixels(@TempDir Path dir) throws Exception {
        byte[] png = Png.bytes(twoPixels());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        Path file = dir.resolve("x.png");
        Files.write(file, png);
        BufferedImage back = Png.read(file);
        assertEquals(2, back.getWidth());
        assertEquals(0xff0000, back.getRGB(0, 0) & 0xffffff);
        assertEquals(0x0000ff, back.getRGB(1, 0) & 0xffffff);
    }

    @Test
    void htmlHoldsTheBytesInlineAndEscapesTheAltText() {
        String html = Png.html(twoPixels(), "curves <SST-2>");
        assertTrue(html.startsWith("<img alt=\"curves &lt;SST-2&gt;\" src=\"data:image/png;base64,"), html);
        String base64 = html.substring(html.indexOf(",") + 1, html.lastIndexOf('"'));
        assertArrayEquals(Png.bytes(twoPixels()), Base64.getDecoder().decode(base64));
    }

    @Test
    void errorsNameTheFileAndWhatWasExpected(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("curves.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Png.read(missing));
        assertTrue(e.getMessage().contains(missing + ": no such file (expected a PNG image)"), e.getMessage());
        Path text = dir.resolve("report.md");
        Files.writeString(text, "| a |");
        e = assertThrows(IllegalArgumentException.class, () -> Png.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not a PNG image"), e.getMessage());
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        e = assertThrows(IllegalArgumentException.class, () -> Png.read(empty));
        assertTrue(e.getMessage().contains("an empty file"), e.getMessage());
    }
}
