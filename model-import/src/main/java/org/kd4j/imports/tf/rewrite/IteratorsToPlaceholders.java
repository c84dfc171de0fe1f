package org.kd4j.imports.tf.rewrite;

import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.NodeDef;
import org.tensorflow.framework.TensorShapeProto;

/**
 * Replaces the outputs of every {@code IteratorGetNext} with placeholders named by the contract
 * ({@code IteratorGetNext:1 -> attention_mask}), typed and shaped from the iterator's {@code output_types} and
 * {@code output_shapes}, and removes the iterator and dataset ops ({@code IteratorV2}, {@code OneShotIterator},
 * {@code MakeIterator}, {@code *Dataset*}). Outputs the contract does not name become placeholders
 * {@code IteratorGetNext_k}; pruning removes them when the output does not need them (label_ids).
 */
public final class IteratorsToPlaceholders implements TfGraphRewrite {

    private static final Logger LOG = LogManager.getLogger(IteratorsToPlaceholders.class);
    private static final Set<String> ITERATOR_OPS = Set.of("Iterator", "IteratorV2", "OneShotIterator",
            "AnonymousIterator", "AnonymousIteratorV2", "AnonymousIteratorV3", "MakeIterator", "IteratorToStringHandle",
            "IteratorFromStringHandle", "IteratorFromStringHandleV2", "DeleteIterator");

    private final Map<Integer, String> names;

    /** @param names iterator output index to placeholder name */
    public IteratorsToPlaceholders(Map<Integer, String> names) {
        this.names = Map.copyOf(names);
    }

    @Override
    public String name() {
        return "iterators-to-placeholders";
    }

    @Override
    public String reason() {
        return "Estimator exports read their inputs from tf.data iterators, which SameDiff has no ops for";
    }

    /** Whether {@code op} is an iterator or dataset op (never part of an inference graph). */
    public static boolean isIteratorOrDataset(String op) {
        return ITERATOR_OPS.contains(op) || op.contains("Dataset");
    }

    @Override
    public int apply(TfGraph graph) {
        int changed = 0;
        for (NodeDef.Builder next : graph.nodesOfOp("IteratorGetNext")) {
            AttrValue types = next.getAttrOrThrow("output_types");
            AttrValue shapes = next.getAttrOrDefault("output_shapes", AttrValue.getDefaultInstance());
            for (int k = 0; k < types.getList().getTypeCount(); k++) {
                String name = graph.freshName(names.getOrDefault(k, next.getName() + "_" + k));
                NodeDef.Builder ph = NodeDef.newBuilder().setName(name).setOp("Placeholder")
                        .putAttr("dtype", Attrs.type(types.getList().getType(k)));
                if (k < shapes.getList().getShapeCount()) {
                    TensorShapeProto shape = shapes.getList().getShape(k);
                    ph.putAttr("shape", AttrValue.newBuilder().setShape(shape).build());
                }
                graph.add(ph.build());
                graph.replaceInput(next.getName() + ":" + k, name);
                LOG.debug("{}:{} -> placeholder {}", next.getName(), k, name);
            }
            graph.remove(next.getName());
            changed++;
        }
        for (NodeDef.Builder n : graph.nodes().toArray(new NodeDef.Builder[0])) {
            if (isIteratorOrDataset(n.getOp())) {
                graph.remove(n.getName());
                changed++;
            }
        }
        return changed;
    }
}
