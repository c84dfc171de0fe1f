package org.kd4j.imports.tf.rewrite;

import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.NodeDef;

/**
 * {@code Softmax(x)} becomes {@code Reshape(Softmax(Reshape(x, [-1, n])), Shape(x))} with {@code n} the last
 * dimension of {@code x}, read at run time ({@code StridedSlice} of {@code Shape}). TensorFlow's Softmax normalises
 * over the last axis; M2.1's ruleset maps it with a constant {@code dimension = 1}, which is only right for rank 2
 * (BERT's attention probabilities are rank 4).
 */
public final class SoftmaxOverLastAxis implements TfGraphRewrite {

    @Override
    public String name() {
        return "softmax-over-last-axis";
    }

    @Override
    public String reason() {
        return "M2.1 maps Softmax to dimension 1 whatever the rank; TensorFlow normalises over the last axis";
    }

    @Override
    public int apply(TfGraph graph) {
        int changed = 0;
        AttrValue int32 = Attrs.type(DataType.DT_INT32);
        for (NodeDef.Builder sm : graph.nodesOfOp("Softmax")) {
            String n = sm.getName();
            String x = sm.getInput(0);
            AttrValue t = sm.getAttrOrDefault("T", Attrs.type(DataType.DT_FLOAT));
            String shape = graph.freshName(n + "/kd4j_shape");
            graph.add(NodeDef.newBuilder().setName(shape).setOp("Shape").addInput(x).putAttr("T", t)
                    .putAttr("out_type", int32).build());
            String begin = add(graph, Attrs.intConst(graph.freshName(n + "/kd4j_last_begin"), false, -1));
            String end = add(graph, Attrs.intConst(graph.freshName(n + "/kd4j_last_end"), false, 0));
            String strides = add(graph, Attrs.intConst(graph.freshName(n + "/kd4j_last_strides"), false, 1));
            String last = graph.freshName(n + "/kd4j_last");
            graph.add(NodeDef.newBuilder().setName(last).setOp("StridedSlice").addInput(shape).addInput(begin)
                    .addInput(end).addInput(strides).putAttr("T", int32).putAttr("Index", int32)
                    .putAttr("begin_mask", Attrs.integer(0)).putAttr("end_mask", Attrs.integer(1))
                    .putAttr("ellipsis_mask", Attrs.integer(0)).putAttr("new_axis_mask", Attrs.integer(0))
                    .putAttr("shrink_axis_mask", Attrs.integer(1)).build());
            String minusOne = add(graph, Attrs.intConst(graph.freshName(n + "/kd4j_minus_one"), true, -1));
            String flatShape = graph.freshName(n + "/kd4j_flat_shape");
            graph.add(NodeDef.newBuilder().setName(flatShape).setOp("Pack").addInput(minusOne).addInput(last)
                    .putAttr("T", int32).putAttr("N", Attrs.integer(2)).putAttr("axis", Attrs.integer(0)).build());
            String flat = graph.freshName(n + "/kd4j_flat");
            graph.add(NodeDef.newBuilder().setName(flat).setOp("Reshape").addInput(x).addInput(flatShape)
                    .putAttr("T", t).putAttr("Tshape", int32).build());
            String inner = graph.freshName(n + "/kd4j_softmax_2d");
            graph.add(NodeDef.newBuilder().setName(inner).setOp("Softmax").addInput(flat).putAttr("T", t).build());
            // the original node keeps its name (consumers and outputs still find it) and restores the shape
            sm.setOp("Reshape").clearInput().addInput(inner).addInput(shape).clearAttr().putAttr("T", t)
                    .putAttr("Tshape", int32);
            changed++;
        }
        return changed;
    }

    private static String add(TfGraph graph, NodeDef node) {
        graph.add(node);
        return node.getName();
    }
}
