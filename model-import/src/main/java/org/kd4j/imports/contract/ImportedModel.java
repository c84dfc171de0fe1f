package org.kd4j.imports.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Saved as one file: the magic {@code KD4JIMP1}, a JSON header (the contract and the import's provenance,
 * {@link ImportInfo}: source file and hash, opset, op counts, time), then the SameDiff graph as flatbuffers, which
 * loading memory-maps. Import once, load many times.
 */
public final class ImportedModel {

    private static final byte[] MAGIC = "KD4JIMP1".getBytes(StandardCharsets.US_ASCII);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SameDiff graph;
    private final GraphContract contract;
    private final ImportInfo info;

    public ImportedModel(SameDiff graph, GraphContract contract, ImportInfo info) {
        this.graph = graph;
        this.contract = contract;
        this.info = java.util.Objects.requireNonNull(info, "info");
    }

    public SameDiff graph() {
        return graph;
    }

    public GraphContract contract() {
        return contract;
    }

    /** Provenance of the import (source, hash, op counts before and after the rewrites, times). */
    public ImportInfo info() {
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
        ByteBuffer flat = org.kd4j.util.QuietStdout.call(() -> graph.asFlatBuffers(false)); // prints "Serializing op ..."
        byte[] header = JSON.writeValueAsBytes(new Header(contract, info));
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.write(MAGIC);
            data.writeInt(header.length);
            data.write(header);
            data.writeLong(flat.remaining());
            WritableByteChannel channel = Channels.newChannel(data);
            ByteBuffer view = flat.duplicate();
            while (view.hasRemaining()) {
                channel.write(view);
            }
            data.flush();
        });
    }

    /** Loads a model written by {@link #save}: header parsed, the graph memory-mapped and read by SameDiff. */
    public static ImportedModel load(Path file) throws ImportException {
        if (!Files.isRegularFile(file)) {
            throw new ImportException(file + ": no such imported model file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer fixed = ByteBuffer.allocate(MAGIC.length + 4);
            readFully(channel, fixed, file);
            byte[] magic = new byte[MAGIC.length];
            fixed.flip().get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ImportException(file + ": not a kd4j imported model (expected header '"
                        + new String(MAGIC, StandardCharsets.US_ASCII) + "')");
            }
            int headerLength = fixed.getInt();
            if (headerLength <= 0 || headerLength > channel.size()) {
                throw new ImportException(file + ": corrupt imported model (header length " + headerLength + ")");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate(headerLength + 8);
            readFully(channel, headerBytes, file);
            headerBytes.flip();
            byte[] json = new byte[headerLength];
            headerBytes.get(json);
            long graphLength = headerBytes.getLong();
            long offset = channel.position();
            if (graphLength <= 0 || offset + graphLength != channel.size()) {
                throw new ImportException(file + ": truncated or corrupt imported model (graph of " + graphLength
                        + " bytes declared, " + (channel.size() - offset) + " present)");
            }
            Header header = JSON.readValue(json, Header.class);
            if (header.contract() == null || header.info() == null) {
                throw new ImportException(file + ": corrupt imported model (header field '" + (header.contract() == null ? "contract"
                        : "info") + "' is missing)");
            }
            ByteBuffer graphBytes = channel.map(FileChannel.MapMode.READ_ONLY, offset, graphLength);
            SameDiff sd = SameDiff.fromFlatBuffers(graphBytes, false);
            for (String name : header.contract().inputs()) {
                if (!sd.hasVariable(name)) {
                    throw new ImportException(file + ": graph has no input '" + name + "' named in its contract");
                }
            }
            for (String name : header.contract().outputs()) {
                if (!sd.hasVariable(name)) {
                    throw new ImportException(file + ": graph has no output '" + name + "' named in its contract");
                }
            }
            return new ImportedModel(sd, header.contract(), header.info());
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImportException ie) {
                throw ie;
            }
            throw new ImportException(file + ": not a kd4j imported model, or corrupt (" + e.getMessage() + ")", e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new ImportException(file + ": truncated imported model (file ends inside its header)");
            }
        }
    }

    /** What the file's JSON header holds. */
    record Header(GraphContract contract, ImportInfo info) { }

    /** The labels of a classifier as a list (empty when unnamed). */
    public List<String> labels() {
        return contract.labels();
    }
}
