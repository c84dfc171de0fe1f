package org.kd4j.imports.pretrained;

import java.util.Objects;
import org.kd4j.data.batch.Batch;
import org.kd4j.data.batch.BatchPlanner;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.imports.contract.ImportedModel;
import org.kd4j.model.ImportedClassifier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An imported classifier graph, checked against its task, as the core's {@link ImportedClassifier}.
 *
 * @param model the imported classifier
 */
public record ImportedGraphClassifier(ImportedModel model) implements ImportedClassifier {

    public ImportedGraphClassifier {
        Objects.requireNonNull(model, "model");
    }

    /** Logits of every example of {@code data}, in data order (length-sorted batches). */
    @Override
    public float[][] logits(EncodedDataset data, int batchSize, int padId) {
        float[][] out = new float[data.size()][];
        BatchPlanner planner = new BatchPlanner(batchSize, true, 1, 0);
        for (int[] indices : planner.evaluationOrder(data.lengths())) {
            Batch batch = Batch.of(data, indices, 0, padId);
            INDArray logits = model.logits(ids(batch, batch.inputIds()), ids(batch, batch.attentionMask()),
                    ids(batch, batch.tokenTypeIds()));
            float[][] rows = logits.castTo(DataType.FLOAT).toFloatMatrix();
            for (int i = 0; i < indices.length; i++) {
                out[indices[i]] = rows[i];
            }
        }
        return out;
    }

    private static INDArray ids(Batch batch, int[] field) {
        return batch.matrix(field).castTo(DataType.INT64);
    }

    /** Number of weights of the imported graph (its constant and variable float arrays). */
    @Override
    public long parameters() {
        long n = 0;
        for (SDVariable v : model.graph().variables()) {
            if ((v.getVariableType() == VariableType.CONSTANT || v.getVariableType() == VariableType.VARIABLE)
                    && v.dataType().isFPType() && v.getArr() != null) {
                n += v.getArr().length();
            }
        }
        return n;
    }

    @Override
    public String describe() {
        return model.contract().describe();
    }
}
