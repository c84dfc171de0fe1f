package org.kd4j.imports.onnx.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import onnx.Onnx;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kd4j.imports.onnx.graph.OnnxGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every rewrite on its own, on a small graph containing its construct: it reports changes, the construct is gone,
 * and ONNX Runtime (which validates the graph for its opset) gives the same outputs before and after. For the
 * rewrites that work around failing M2.1 ops, the rewritten graph is also imported with SameDiff M2.1 and matches.
 */
class EachRewriteTest {

    private static final Logger LOG = LogManager.getLogger(EachRewriteTest.class);
    private static final double EXACT = 1e-6;

    static Stream<RewriteCase> cases() {
        return RewriteCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rewriteKeepsOutputsAndRemovesConstruct(RewriteCase c, @TempDir Path dir) throws Exception {
        GraphRewrite rewrite = c.rewrite().get();
        assertEquals(c.label(), rewrite.name());
        assertFalse(rewrite.reason().isBlank());
        OnnxGraph graph = c.graph().graph();
        assertFalse(c.constructGone().test(graph), "the test graph must contain the construct");

        int changes = rewrite.apply(graph);

        assertTrue(changes > 0, "the rewrite reports no change");
        assertTrue(c.constructGone().test(graph), "the construct is still there: " + graph.opCounts());
        Map<String, INDArray> feed = feedFor(c.graph().model());
        Map<String, INDArray> before = TinyGraph.ort(c.graph().model(), feed, c.graph().outputs(), dir, "before");
        Onnx.ModelProto rewritten = c.graph().model(graph);
        Map<String, INDArray> after = TinyGraph.ort(rewritten, feed, c.graph().outputs(), dir, "after");
        assertSame("ONNX Runtime after the rewrite", before, after);
        if (c.viaSameDiff()) {
            assertSame("SameDiff M2.1 after the rewrite", before, TinyGraph.sameDiff(rewritten, feed, c.graph().outputs(), dir, "samediff"));
        }
        LOG.debug("{}: {} change(s), ops after {}", c.label(), changes, graph.opCounts());
    }

    @Test
    void everyStandardRewriteHasACase() {
        Set<String> covered = cases().map(RewriteCase::label).collect(Collectors.toSet());
        Set<String> standard = new HashSet<>();
        RewritePipeline.standard().rewrites().forEach(r -> standard.add(r.name()));
        assertEquals(standard, covered);
    }

    @Test
    void dtypeRewritesRunAfterTheRewritesThatIntroduceTheirConstructs() {
        java.util.List<String> order = RewritePipeline.standard().rewrites().stream().map(GraphRewrite::name).toList();
        // ConstantOfShape and Where become Expands, which non-float-expand then fixes
        assertTrue(order.indexOf("constant-of-shape-to-expand") < order.indexOf("non-float-expand"), order.toString());
        assertTrue(order.indexOf("where-explicit-broadcast") < order.indexOf("non-float-expand"), order.toString());
    }

    /** Reshape shapes with 0s from {@code Constant} nodes (opset 14, {@code allowzero = 0}): the whole pipeline. */
    @Test
    void reshapeZeroFromConstantNodesImportsThroughThePipeline(@TempDir Path dir) throws Exception {
        TinyGraph g = RewriteCases.reshapeZeroGraph(true);
        OnnxGraph graph = g.graph();
        Map<String, Integer> counts = RewritePipeline.standard().apply(graph);
        assertEquals(2, counts.get("reshape-zero-to-input-dims"), counts.toString());
        Map<String, INDArray> feed = feedFor(g.model());
        Map<String, INDArray> expected = TinyGraph.ort(g.model(), feed, g.outputs(), dir, "before");
        assertArrayEquals(new long[] {2, 3, 2, 2}, expected.get("heads").shape());
        assertArrayEquals(new long[] {2, 12}, expected.get("flat").shape());
        assertSame("SameDiff M2.1 after the pipeline", expected, TinyGraph.sameDiff(g.model(graph), feed, g.outputs(), dir, "samediff"));
    }

    private static Map<String, INDArray> feedFor(Onnx.ModelProto model) {
        Map<String, INDArray> feed = new HashMap<>(RewriteCases.feed());
        Set<String> inputs = new HashSet<>();
        model.getGraph().getInputList().forEach(i -> inputs.add(i.getName()));
        feed.keySet().retainAll(inputs);
        return feed;
    }

    private static void assertSame(String what, Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            INDArray e = expected.get(name);
            INDArray a = actual.get(name);
            assertArrayEquals(e.shape(), a.shape(), what + ": shape of " + name);
            double diff = e.sub(a).amaxNumber().doubleValue();
            assertTrue(diff <= EXACT, what + ": output " + name + " differs by " + diff + "\nexpected " + e + "\nactual " + a);
        }
    }
}
