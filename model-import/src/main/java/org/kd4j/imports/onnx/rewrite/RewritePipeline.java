package org.kd4j.imports.onnx.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.imports.onnx.graph.OnnxGraph;

/** The ordered rewrites that normalise an exporter's graph for the SameDiff M2.1 importer. */
public final class RewritePipeline {

    private static final Logger LOG = LogManager.getLogger(RewritePipeline.class);

    private final List<GraphRewrite> rewrites;

    public RewritePipeline(List<GraphRewrite> rewrites) {
        this.rewrites = List.copyOf(rewrites);
    }

    /** The rewrites every import runs, in order. */
    public static RewritePipeline standard() {
        return new RewritePipeline(List.of(
                new SafeTensorNames(),
                new ConstantsToInitializers(),
                new IdentityRemoval(),
                new DynamicQuantizeLinearAsFloat(),
                new QuantizeLinearAsFloat(),
                new MatMulIntegerAsFloat(),
                new DequantizeLinearAsFloat(),
                new ReshapeAllowZeroRemoval(),
                new ReshapeZeroToInputDims(),
                new ConstantOfShapeToExpand(),
                new NotAsSubtraction(),
                new WhereExplicitBroadcast(),
                new NonFloatExpand(),
                new IntegerCumSumAsFloat(),
                new LayerNormalizationDecomposition(),
                new GemmToMatMulAdd(),
                new SquarePowToMul(),
                new SliceToGather(),
                new ScalarGatherToSqueeze(),
                new ExplicitReduceAxes(),
                new LinearMatMulFlatten()));
    }

    /**
     * This pipeline with {@link DequantizeWeights} run just before {@link DynamicQuantizeLinearAsFloat} (at the start
     * when there is none): dynamically quantized linear layers become float MatMuls with dequantized weights.
     */
    public RewritePipeline withDequantizedWeights() {
        List<GraphRewrite> all = new ArrayList<>(rewrites);
        int at = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof DynamicQuantizeLinearAsFloat) {
                at = i;
                break;
            }
        }
        all.add(at, new DequantizeWeights());
        return new RewritePipeline(all);
    }

    public List<GraphRewrite> rewrites() {
        return rewrites;
    }

    /**
     * Runs every rewrite in order on the graph, then drops nodes nothing reads.
     *
     * @return how many places each rewrite changed, by rewrite name, in order
     */
    public Map<String, Integer> apply(OnnxGraph graph) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (GraphRewrite rewrite : rewrites) {
            int n = rewrite.apply(graph);
            counts.put(rewrite.name(), n);
            if (n > 0) {
                LOG.debug("rewrite {}: {} change(s)", rewrite.name(), n);
            }
        }
        counts.put("prune-unused", graph.pruneUnused());
        return counts;
    }
}
