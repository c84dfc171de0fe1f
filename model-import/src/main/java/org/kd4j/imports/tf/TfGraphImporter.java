package org.kd4j.imports.tf;

import org.kd4j.imports.FrameworkImporter;
import org.kd4j.imports.ImportException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.imports.tf.rewrite.BatchMatMulToMatMul;
import org.kd4j.imports.tf.rewrite.IdentityRemoval;
import org.kd4j.imports.tf.rewrite.IteratorsToPlaceholders;
import org.kd4j.imports.tf.rewrite.PruneToOutput;
import org.kd4j.imports.tf.rewrite.RenameOutput;
import org.kd4j.imports.tf.rewrite.RenamePlaceholders;
import org.kd4j.imports.tf.rewrite.SoftmaxOverLastAxis;
import org.kd4j.imports.tf.rewrite.TfGraph;
import org.kd4j.imports.tf.rewrite.TfGraphRewrite;
import org.kd4j.util.QuietStdout;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.samediff.frameworkimport.tensorflow.importer.TensorflowFrameworkImporter;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;

/**
 * Imports a frozen TensorFlow GraphDef of a BERT-style classifier (google-research/bert {@code run_classifier.py}
 * export) into SameDiff with kd4j's graph contract: placeholders {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids} (int32 {@code [B, L]}, as the TF graph declares them) and output variable {@code logits}.
 *
 * <p>Before the M2.1 importer sees the graph it is rewritten, in this order: iterator outputs become placeholders
 * and TF input names become contract names ({@link TfInputContract}); everything the logits do not depend on is
 * pruned (labels, loss, probabilities); the logits node is renamed {@code logits}; weight-read Identity nodes
 * are dropped; then the fixes for M2.1
 * importer bugs ({@link BatchMatMulToMatMul}, {@link SoftmaxOverLastAxis}). Ops the importer cannot map are all
 * reported in one {@link ImportException}. Import is slow (seconds) and prints to stdout, which is discarded:
 * import once and keep the graph with {@code sd.save(file, true)}.
 */
public final class TfGraphImporter {

    private static final Logger LOG = LogManager.getLogger(TfGraphImporter.class);
    private static final Set<String> CONTRACT_INPUTS = Set.of(TfInputContract.INPUT_IDS,
            TfInputContract.ATTENTION_MASK, TfInputContract.TOKEN_TYPE_IDS);

    private final TfInputContract contract;
    private TensorflowFrameworkImporter importer;

    /** An importer for google-research/bert run_classifier exports ({@link TfInputContract#bertRunClassifier()}). */
    public TfGraphImporter() {
        this(TfInputContract.bertRunClassifier());
    }

    public TfGraphImporter(TfInputContract contract) {
        this.contract = contract;
    }

    /** The rewrites {@link #importGraph} runs, in order. */
    public List<TfGraphRewrite> rewrites() {
        return List.of(new IteratorsToPlaceholders(contract.iteratorOutputs()),
                new RenamePlaceholders(contract.placeholders()), new PruneToOutput(contract.logitsNode()),
                new RenameOutput(contract.logitsNode(), TfInputContract.LOGITS),
                new IdentityRemoval(TfInputContract.LOGITS), new BatchMatMulToMatMul(),
                new SoftmaxOverLastAxis());
    }

    /**
     * Reads, rewrites and imports {@code file}.
     *
     * @throws ImportException naming the file if it cannot be read as a GraphDef, has no logits node, needs
     *     inputs outside the contract, or contains ops M2.1 cannot import (all listed)
     */
    public SameDiff importGraph(Path file) {
        FrameworkImporter.TENSORFLOW.require(file);
        GraphDef rewritten = rewrite(GraphDefFiles.read(file), file.toString());
        List<NodeDef> unsupported = UnsupportedOps.find(rewritten, op -> importer().getRegistry().hasMappingOpProcess(op));
        if (!unsupported.isEmpty()) {
            throw new ImportException(file + ": " + unsupported.size() + " node(s) with ops the SameDiff M2.1 "
                    + "TensorFlow importer does not support: " + UnsupportedOps.describe(unsupported));
        }
        long start = System.nanoTime();
        SameDiff sd;
        try {
            sd = QuietStdout.call(() -> importer().importFromGraph(rewritten, Map.of()));
        } catch (RuntimeException e) {
            throw new ImportException(file + ": the SameDiff TensorFlow importer failed: " + e, e);
        }
        LOG.info("imported {} ({} TF nodes, {} SameDiff ops) in {} ms", file, rewritten.getNodeCount(),
                sd.getOps().size(), (System.nanoTime() - start) / 1_000_000);
        if (!sd.hasVariable(TfInputContract.LOGITS)) {
            throw new ImportException(file + ": imported graph has no variable " + TfInputContract.LOGITS);
        }
        return sd;
    }

    /**
     * Runs {@link #rewrites()} on {@code graph} and checks what remains against the contract.
     *
     * @param source where the graph came from, for error messages
     */
    public GraphDef rewrite(GraphDef graph, String source) {
        TfGraph g = new TfGraph(graph);
        if (g.node(contract.logitsNode()) == null) {
            throw new ImportException(source + ": no node " + contract.logitsNode() + " (the logits); candidates: "
                    + candidates(graph));
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TfGraphRewrite r : rewrites()) {
            counts.put(r.name(), r.apply(g));
        }
        LOG.debug("{}: rewrites {}", source, counts);
        GraphDef out = g.toGraphDef();
        List<String> foreign = new ArrayList<>();
        for (NodeDef n : out.getNodeList()) {
            if (n.getOp().equals("Placeholder") && !CONTRACT_INPUTS.contains(n.getName())) {
                foreign.add(n.getName());
            }
        }
        if (!foreign.isEmpty()) {
            throw new ImportException(source + ": the logits need input(s) " + foreign + " that the contract does "
                    + "not map to " + CONTRACT_INPUTS + "; map them with TfInputContract.withPlaceholder / "
                    + "withIteratorOutput");
        }
        return out;
    }

    private static String candidates(GraphDef graph) {
        Set<String> names = new TreeSet<>();
        for (NodeDef n : graph.getNodeList()) {
            if (n.getOp().equals("BiasAdd") && (n.getName().startsWith("loss/") || n.getName().contains("logits"))) {
                names.add(n.getName());
            }
        }
        return names.isEmpty() ? "none named loss/* or *logits*" : names.toString();
    }

    private TensorflowFrameworkImporter importer() {
        if (importer == null) {
            importer = QuietStdout.call(TensorflowFrameworkImporter::new);
        }
        return importer;
    }
}
