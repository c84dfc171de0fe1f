package org.kd4j.imports.contract;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.kd4j.imports.ImportException;
import org.kd4j.util.AtomicFiles;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An imported graph under the {@link GraphContract}, ready to run: feed {@code input_ids}, {@code attention_mask}
 * (and {@code token_type_ids} when the contract has it) as INT64 {@code [batch, sequence]}, read the contract's
 * outputs. Inputs are checked before running, with errors naming the input. Thread-safe (runs are serialised).
 *
 * <p>Saved as one zip file: {@value #GRAPH_ENTRY} (the SameDiff graph, flatbuffers), {@value #CONTRACT_ENTRY} and
 * {@value #INFO_ENTRY} (where it came from: source file and hash, rewrites, import time). Import once, load many
 * times.
 */
public final class ImportedModel {

    public static final String GRAPH_ENTRY = "graph.sd";
    public static final String CONTRACT_ENTRY = "contract.json";
    public static final String INFO_ENTRY = "import.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SameDiff graph;
    private final GraphContract contract;
    private final Map<String, Object> info;

    public ImportedModel(SameDiff graph, GraphContract contract, Map<String, Object> info) {
        this.graph = graph;
        this.contract = contract;
        this.info = Map.copyOf(info);
    }

    public SameDiff graph() {
        return graph;
    }

    public GraphContract contract() {
        return contract;
    }

    /** Provenance of the import (source, hash, rewrites, op counts, times). */
    public Map<String, Object> info() {
        return info;
    }

    /** Runs the graph; returns the contract outputs by name. */
    public synchronized Map<String, INDArray> output(Map<String, INDArray> inputs) {
        check(inputs);
        Map<String, INDArray> feed = new HashMap<>();
        for (String name : contract.inputs()) {
            DataType graphType = graph.getVariable(name).dataType();
            INDArray a = inputs.get(name);
            feed.put(name, a.dataType() == graphType ? a : a.castTo(graphType)); // TF-BERT graphs take INT32 ids
        }
        return graph.output(feed, contract.outputs());
    }

    /** Convenience for classifiers: logits [batch, labels] for the given ids (types ignored when the model has none). */
    public INDArray logits(INDArray inputIds, INDArray attentionMask, INDArray tokenTypeIds) {
        if (contract.head() != Head.CLASSIFIER) {
            throw new IllegalStateException("this imported model is an encoder; it has no logits");
        }
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put(GraphContract.INPUT_IDS, inputIds);
        in.put(GraphContract.ATTENTION_MASK, attentionMask);
        if (contract.usesTokenTypes()) {
            in.put(GraphContract.TOKEN_TYPE_IDS, tokenTypeIds);
        }
        return output(in).get(GraphContract.LOGITS);
    }

    private void check(Map<String, INDArray> inputs) {
        long[] shape = null;
        for (String name : contract.inputs()) {
            INDArray a = inputs.get(name);
            if (a == null) {
                throw new IllegalArgumentException("input '" + name + "' is missing; the model takes " + contract.inputs());
            }
            if (a.dataType() != DataType.INT64 || a.rank() != 2) {
                throw new IllegalArgumentException("input '" + name + "': expected INT64 [batch, sequence], found " + a.dataType()
                        + " " + Arrays.toString(a.shape()));
            }
            if (shape == null) {
                shape = a.shape();
            } else if (!Arrays.equals(shape, a.shape())) {
                throw new IllegalArgumentException("input '" + name + "': shape " + Arrays.toString(a.shape())
                        + " differs from the other inputs' " + Arrays.toString(shape));
            }
        }
        for (String name : inputs.keySet()) {
            if (!contract.inputs().contains(name)) {
                throw new IllegalArgumentException("input '" + name + "' is not an input of this model; it takes " + contract.inputs());
            }
        }
    }

    /** Writes the model atomically (temporary file, then rename). */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.setLevel(1);
            zip.putNextEntry(new ZipEntry(CONTRACT_ENTRY));
            zip.write(JSON.writeValueAsBytes(contract));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(INFO_ENTRY));
            zip.write(JSON.writeValueAsBytes(info));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(GRAPH_ENTRY));
            OutputStream entry = new NonClosing(zip);
            org.kd4j.util.QuietStdout.call(() -> { // SameDiff prints "Serializing op ..." per op
                graph.save(entry, false);
                return null;
            });
            zip.closeEntry();
            zip.finish();
        });
    }

    /** Loads a model written by {@link #save}. */
    public static ImportedModel load(Path file) throws ImportException {
        if (!Files.isRegularFile(file)) {
            throw new ImportException(file + ": no such imported model file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            GraphContract contract = JSON.readValue(read(zip, CONTRACT_ENTRY, file), GraphContract.class);
            Map<String, Object> info = JSON.readValue(read(zip, INFO_ENTRY, file), new TypeReference<Map<String, Object>>() { });
            SameDiff sd;
            try (InputStream in = zip.getInputStream(entry(zip, GRAPH_ENTRY, file))) {
                sd = SameDiff.load(in, false);
            }
            for (String name : contract.inputs()) {
                if (!sd.hasVariable(name)) {
                    throw new ImportException(file + ": graph has no input '" + name + "' named in its contract");
                }
            }
            for (String name : contract.outputs()) {
                if (!sd.hasVariable(name)) {
                    throw new ImportException(file + ": graph has no output '" + name + "' named in its contract");
                }
            }
            return new ImportedModel(sd, contract, info);
        } catch (IOException | RuntimeException e) {
            throw new ImportException(file + ": not a kd4j imported model, or corrupt (" + e.getMessage() + ")", e);
        }
    }

    private static ZipEntry entry(ZipFile zip, String name, Path file) throws ImportException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new ImportException(file + ": missing entry " + name + "; not a kd4j imported model");
        }
        return e;
    }

    private static byte[] read(ZipFile zip, String name, Path file) throws IOException, ImportException {
        try (InputStream in = zip.getInputStream(entry(zip, name, file))) {
            return in.readAllBytes();
        }
    }

    /** The labels of a classifier as a list (empty when unnamed). */
    public List<String> labels() {
        return contract.labels();
    }

    /** Stops SameDiff from closing the zip stream when it finishes writing the graph entry. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
