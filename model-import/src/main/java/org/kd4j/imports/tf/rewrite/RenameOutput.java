package org.kd4j.imports.tf.rewrite;

/** Renames the output node to the contract's name ({@code loss/BiasAdd -> logits}). */
public final class RenameOutput implements TfGraphRewrite {

    private final String from;
    private final String to;

    public RenameOutput(String from, String to) {
        this.from = from;
        this.to = to;
    }

    @Override
    public String name() {
        return "rename-output";
    }

    @Override
    public String reason() {
        return "kd4j reads every teacher's output by the same variable name";
    }

    @Override
    public int apply(TfGraph graph) {
        if (from.equals(to)) {
            return 0;
        }
        graph.rename(from, to);
        return 1;
    }
}
