package org.kd4j.display;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * PNG images for a notebook cell: the bytes of a chart drawn with {@code org.kd4j.plot} (or any image), the image of
 * a PNG file a run wrote ({@code curves.png}, a sweep's {@code plots/*.png}), and an HTML {@code <img>} holding the
 * bytes inline. A kernel shows an image with its own display call (rapaio-jupyter-kernel:
 * {@code display("image/png", image)}).
 */
public final class Png {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {
    }

    /** The image encoded as PNG. */
    public static byte[] bytes(RenderedImage image) {
        Objects.requireNonNull(image, "image");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM (javax.imageio)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding an image of " + image.getWidth() + " x " + image.getHeight()
                    + " as PNG", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a PNG file.
     *
     * @throws IllegalArgumentException naming the file when it is missing or not a PNG image
     */
    public static BufferedImage read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file (expected a PNG image)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes PNG bytes.
     *
     * @param source what the bytes are, for the error message (a file name)
     * @throws IllegalArgumentException naming {@code source} when the bytes are not a PNG image
     */
    public static BufferedImage decode(byte[] bytes, String source) {
        if (bytes.length < SIGNATURE.length || !java.util.Arrays.equals(bytes, 0, SIGNATURE.length, SIGNATURE, 0,
                SIGNATURE.length)) {
            throw new IllegalArgumentException(source + ": not a PNG image (expected the PNG signature, found "
                    + (bytes.length == 0 ? "an empty file" : bytes.length + " bytes without it") + ")");
        }
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException(source + ": a PNG signature, but no image could be decoded");
            }
            return image;
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": a damaged PNG image (" + e.getMessage() + ")", e);
        }
    }

    /** An HTML {@code <img>} element holding the PNG inline (a data URI), with {@code alt} text (escaped). */
    public static String html(RenderedImage image, String alt) {
        return "<img alt=\"" + HtmlTable.escape(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(bytes(image)) + "\"/>";
    }
}
