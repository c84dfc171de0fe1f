package org.kd4j.imports.tf.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.kd4j.imports.tf.TfGraphImporter;
import org.kd4j.imports.ImportException;
import org.kd4j.imports.tf.TfInputContract;
import org.kd4j.imports.tf.fixtures.GraphDefBuilder;
import org.kd4j.imports.tf.fixtures.TfBertGraphWriter;
import org.kd4j.imports.tf.fixtures.TinyBert;
import org.kd4j.util.QuietStdout;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.samediff.frameworkimport.tensorflow.importer.TensorflowFrameworkImporter;
import org.tensorflow.framework.DataType;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/** Each rewrite on its own: the bug fixes on one-op graphs through the real M2.1 importer, the others on GraphDefs. */
class TfRewritesTest {

    private static final TinyBert MODEL = TinyBert.create(1, 8, 2, 16, 20, 16, 3, 4, 5);

    private static INDArray run(GraphDef g, Map<String, INDArray> feed, String out) {
        SameDiff sd = QuietStdout.call(() -> new TensorflowFrameworkImporter().importFromGraph(g, Map.of()));
        return sd.output(feed, out).get(out);
    }

    private static GraphDef apply(GraphDef g, TfGraphRewrite r) {
        TfGraph graph = new TfGraph(g);
        assertTrue(r.apply(graph) > 0, r.name() + " changed nothing");
        return graph.toGraphDef();
    }

    private static void floatPlaceholder(GraphDefBuilder b, String name, long... shape) {
        b.node(name, "Placeholder").putAttr("dtype", GraphDefBuilder.type(DataType.DT_FLOAT))
                .putAttr("shape", GraphDefBuilder.shapeAttr(shape));
    }

    @Test
    void batchMatMulWithAdjYMatchesNd4jAfterTheRewrite() {
        GraphDefBuilder b = new GraphDefBuilder();
        floatPlaceholder(b, "x", -1, 2, 3, 4);
        floatPlaceholder(b, "y", -1, 2, 5, 4);
        b.node("scores", "BatchMatMulV2", "x", "y").putAttr("T", GraphDefBuilder.type(DataType.DT_FLOAT))
                .putAttr("adj_x", GraphDefBuilder.bool(false)).putAttr("adj_y", GraphDefBuilder.bool(true));
        GraphDef fixed = apply(b.build(), new BatchMatMulToMatMul());
        assertEquals("MatMul", fixed.getNode(2).getOp());
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 2, 3, 4);
        INDArray y = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 2, 5, 4);
        INDArray expected = Nd4j.matmul(x, y, false, true, false);
        for (int repeat = 0; repeat < 3; repeat++) { // the unfixed op read uninitialised memory: repeat
            INDArray got = run(fixed, Map.of("x", x, "y", y), "scores");
            assertEquals(0.0, got.sub(expected).amaxNumber().doubleValue(), 1e-5);
        }
    }

    @Test
    void softmaxOfRank4NormalisesTheLastAxisAfterTheRewrite() {
        GraphDefBuilder b = new GraphDefBuilder();
        floatPlaceholder(b, "x", -1, 2, 3, 5);
        b.f("probs", "Softmax", "x");
        INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2, 3, 5);
        INDArray e = Transforms.exp(x.sub(x.max(true, 3)));
        INDArray expected = e.div(e.sum(true, 3));
        double unfixed = run(b.build(), Map.of("x", x), "probs").sub(expected).amaxNumber().doubleValue();
        assertTrue(unfixed > 0.01, "M2.1 Softmax normalised the last axis by itself: the rewrite may go (" + unfixed + ")");
        GraphDef fixed = apply(b.build(), new SoftmaxOverLastAxis());
        assertEquals(0.0, run(fixed, Map.of("x", x), "probs").sub(expected).amaxNumber().doubleValue(), 1e-6);
        INDArray x2 = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 7); // rank 2 unchanged
        INDArray e2 = Transforms.exp(x2.sub(x2.max(true, 1)));
        assertEquals(0.0, run(fixed, Map.of("x", x2), "probs").sub(e2.div(e2.sum(true, 1))).amaxNumber()
                .doubleValue(), 1e-6);
    }

    @Test
    void oneShotIteratorOutputsBecomeTypedShapedPlaceholders() {
        GraphDef g = TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.ONE_SHOT_ITERATOR);
        GraphDef out = apply(g, new IteratorsToPlaceholders(TfInputContract.bertRunClassifier().iteratorOutputs()));
        Map<String, NodeDef> placeholders = out.getNodeList().stream().filter(n -> n.getOp().equals("Placeholder"))
                .collect(Collectors.toMap(NodeDef::getName, n -> n));
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids", "IteratorGetNext_3"), placeholders.keySet());
        assertEquals(DataType.DT_INT32, placeholders.get("attention_mask").getAttrOrThrow("dtype").getType());
        assertEquals(MODEL.seqLen(), placeholders.get("input_ids").getAttrOrThrow("shape").getShape().getDim(1).getSize());
        assertTrue(out.getNodeList().stream().noneMatch(n -> n.getOp().contains("Iterator")));
        assertTrue(out.getNodeList().stream().flatMap(n -> n.getInputList().stream())
                .noneMatch(in -> in.startsWith("IteratorGetNext:") || in.equals("IteratorGetNext")));
    }

    @Test
    void pruningKeepsOnlyWhatTheLogitsNeed() {
        TfGraph g = new TfGraph(TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS));
        assertTrue(new PruneToOutput(TfBertGraphWriter.LOGITS).apply(g) > 0);
        assertNull(g.node("label_ids"));
        assertNull(g.node("loss/Mean"));
        assertNull(g.node(TfBertGraphWriter.PROBABILITIES));
        assertTrue(g.node("input_ids") != null && g.node("bert/embeddings/word_embeddings") != null);
    }

    @Test
    void renamesReachEveryConsumer() {
        TfGraph g = new TfGraph(TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.PLACEHOLDERS));
        new RenamePlaceholders(TfInputContract.bertRunClassifier().placeholders()).apply(g);
        new RenameOutput(TfBertGraphWriter.LOGITS, "logits").apply(g);
        new IdentityRemoval("logits").apply(g);
        GraphDef out = g.toGraphDef();
        Set<String> names = out.getNodeList().stream().map(NodeDef::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("attention_mask", "token_type_ids", "logits")));
        assertFalse(names.contains("input_mask") || names.contains(TfBertGraphWriter.LOGITS));
        for (NodeDef n : out.getNodeList()) {
            for (String in : n.getInputList()) {
                assertTrue(names.contains(TfGraph.producer(in)), n.getName() + " reads missing " + in);
            }
            assertFalse(n.getOp().equals("Identity"), n.getName());
        }
    }

    @Test
    void anInputOutsideTheContractIsAnErrorNamingIt() {
        GraphDef g = TfBertGraphWriter.graph(MODEL, TfBertGraphWriter.Inputs.ITERATOR_V2);
        TfInputContract noTypes = new TfInputContract(Map.of(), Map.of(0, "input_ids", 1, "attention_mask"), "loss/BiasAdd");
        ImportException e = assertThrows(ImportException.class, () -> new TfGraphImporter(noTypes).rewrite(g, "g.pb"));
        assertTrue(e.getMessage().contains("IteratorGetNext_2") && e.getMessage().contains("g.pb"), e.getMessage());
        // mapping it explicitly fixes it
        GraphDef ok = new TfGraphImporter(noTypes.withIteratorOutput(2, "token_type_ids")).rewrite(g, "g.pb");
        assertTrue(ok.getNodeList().stream().anyMatch(n -> n.getName().equals("token_type_ids")));
    }
}
