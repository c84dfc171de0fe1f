package org.kd4j.imports.onnx;

import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.ir.MapperNamespace;
import org.nd4j.ir.OpNamespace;
import org.nd4j.samediff.frameworkimport.onnx.process.OnnxMappingProcessLoader;
import org.nd4j.samediff.frameworkimport.registry.OpMappingRegistry;

/**
 * Corrects the ONNX {@code MatMul} mapping of SameDiff M2.1, in memory. The bundled
 * {@code onnx-mapping-ruleset.pbtxt} maps MatMul to nd4j's {@code matmul} with {@code alpha = 0, beta = 1},
 * so every imported MatMul returns {@code 0 * A.B + 1 * out}: zeros. This replaces the registered mapping
 * process by the same declaration with {@code alpha = 1, beta = 0}. Every {@code OnnxFrameworkImporter} reloads the
 * bundled rules, so this is applied to each importer before it runs; it is idempotent.
 */
public final class MatMulMappingFix {

    private static final Logger LOG = LogManager.getLogger(MatMulMappingFix.class);
    private static final String OP = "MatMul";

    private MatMulMappingFix() {}

    /**
     * Applies the correction to the importer's registry (the global ONNX registry, refilled whenever an
     * {@code OnnxFrameworkImporter} is constructed).
     */
    public static synchronized void apply(OpMappingRegistry<Onnx.GraphProto, Onnx.NodeProto, Onnx.NodeProto,
            Onnx.TensorProto, Onnx.TensorProto.DataType, Onnx.AttributeProto, Onnx.AttributeProto> registry) {
        // serialize() prints "Serializing op ..." per rule to stdout
        MapperNamespace.MapperDeclaration current = org.kd4j.util.QuietStdout.call(() -> registry.lookupOpMappingProcess(OP).serialize());
        if (isCorrect(current)) {
            return;
        }
        MapperNamespace.MapperDeclaration fixed = corrected(current);
        registry.getRegisteredOps().remove(OP);
        registry.registerMappingProcess(OP, new OnnxMappingProcessLoader(registry).createProcess(fixed));
        if (!isCorrect(org.kd4j.util.QuietStdout.call(() -> registry.lookupOpMappingProcess(OP).serialize()))) {
            throw new IllegalStateException("could not correct the ONNX MatMul mapping (alpha/beta) of SameDiff M2.1");
        }
        LOG.debug("ONNX MatMul mapping corrected: alpha 1, beta 0");
    }

    static boolean isCorrect(MapperNamespace.MapperDeclaration declaration) {
        return constant(declaration, "alpha") == 1.0 && constant(declaration, "beta") == 0.0;
    }

    /** The declaration with alpha = 1 and beta = 0; every other rule unchanged. */
    static MapperNamespace.MapperDeclaration corrected(MapperNamespace.MapperDeclaration declaration) {
        MapperNamespace.MapperDeclaration.Builder builder = declaration.toBuilder();
        for (int i = 0; i < builder.getRuleCount(); i++) {
            MapperNamespace.MappingRule.Builder rule = builder.getRuleBuilder(i);
            for (int j = 0; j < rule.getTransformerArgsCount(); j++) {
                MapperNamespace.TransformerArgs.Builder args = rule.getTransformerArgsBuilder(j);
                for (int k = 0; k < args.getTransformerArgsCount(); k++) {
                    OpNamespace.ArgDescriptor.Builder arg = args.getTransformerArgsBuilder(k);
                    if (arg.getName().equals("alpha")) {
                        arg.setDoubleValue(1.0);
                    } else if (arg.getName().equals("beta")) {
                        arg.setDoubleValue(0.0);
                    }
                }
            }
        }
        return builder.build();
    }

    private static double constant(MapperNamespace.MapperDeclaration declaration, String name) {
        for (MapperNamespace.MappingRule rule : declaration.getRuleList()) {
            for (MapperNamespace.TransformerArgs args : rule.getTransformerArgsList()) {
                for (OpNamespace.ArgDescriptor arg : args.getTransformerArgsList()) {
                    if (arg.getName().equals(name)) {
                        return arg.getDoubleValue();
                    }
                }
            }
        }
        return Double.NaN;
    }
}
