package org.kd4j.imports.tf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.contract.GraphContract;
import org.kd4j.imports.contract.Head;
import org.kd4j.imports.contract.ImportInfo;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.imports.contract.Probe;
import org.kd4j.util.Hashing;
import org.nd4j.autodiff.samediff.SameDiff;

/** A frozen TensorFlow BERT classifier ({@code .pb}) to an {@link ImportedModel} under the graph contract. */
public final class TfModelImport {

    private TfModelImport() {}

    public static ImportedModel importFile(Path file, TfInputContract mapping, List<String> labels) {
        long start = System.nanoTime();
        SameDiff sd = new TfGraphImporter(mapping).importGraph(file);
        long seconds = System.nanoTime() - start;
        List<String> inputs = new ArrayList<>();
        for (String name : GraphContract.INPUT_NAMES) {
            if (sd.hasVariable(name) && sd.getVariable(name).isPlaceHolder()) {
                inputs.add(name);
            }
        }
        List<String> outputs = List.of(GraphContract.LOGITS);
        long width = Probe.run(sd, inputs, Head.CLASSIFIER, outputs, file.toString());
        GraphContract contract;
        try {
            contract = new GraphContract(Head.CLASSIFIER, inputs, outputs, labels, width);
        } catch (IllegalArgumentException e) {
            throw new ImportException(file + ": " + e.getMessage(), e);
        }
        long[] shape = sd.getVariable(GraphContract.INPUT_IDS).getShape();
        ImportInfo info = ImportInfo.tensorflow(file.getFileName().toString(), Hashing.fileHex("TensorFlow graph", file),
                shape != null && shape.length == 2 && shape[1] > 0 ? shape[1] : -1, sd.getOps().size(), seconds / 1e9);
        return new ImportedModel(sd, contract, info);
    }
}
