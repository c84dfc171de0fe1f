package org.kd4j.bench.peer;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kd4j.imports.fixtures.Architecture;
import org.kd4j.imports.fixtures.AttentionImpl;
import org.kd4j.imports.fixtures.ExporterPatternWriter;
import org.kd4j.imports.fixtures.FixtureSpec;
import org.kd4j.imports.fixtures.Head;
import org.kd4j.imports.fixtures.MaskStyle;

/** {@link ShapeExporter} through the exporter-pattern fixture writer (a BERT encoder at opset 14, random weights). */
public final class FixtureShapeExporter implements ShapeExporter {

    @Override
    public void write(EncoderShape shape, Path file) throws Exception {
        FixtureSpec spec = new FixtureSpec(Architecture.BERT, Head.ENCODER, 14, shape.layers(), shape.hidden(), shape.heads(),
                shape.ffn(), shape.vocab(), shape.positions(), shape.typeVocab(), 0, shape.hidden(), 17L, MaskStyle.FINFO_MIN,
                AttentionImpl.EAGER);
        Files.write(file, ExporterPatternWriter.bytes(spec));
    }
}
