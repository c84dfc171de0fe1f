package org.kd4j.imports.tf.rewrite;

import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.NodeDef;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;

/** Small builders for the nodes the rewrites insert. */
final class Attrs {

    private Attrs() {}

    static AttrValue type(DataType t) {
        return AttrValue.newBuilder().setType(t).build();
    }

    static AttrValue bool(boolean b) {
        return AttrValue.newBuilder().setB(b).build();
    }

    static AttrValue integer(long i) {
        return AttrValue.newBuilder().setI(i).build();
    }

    static NodeDef intConst(String name, boolean scalar, int... values) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (!scalar) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(values.length));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(shape);
        for (int v : values) {
            t.addIntVal(v);
        }
        return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(DataType.DT_INT32))
                .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
    }
}
