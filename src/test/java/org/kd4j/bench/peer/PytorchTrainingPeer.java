package org.kd4j.bench.peer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The PyTorch peer: the classifier of a {@link PeerShape} trained with PyTorch's CPU engine through DJL.
 *
 * <p>An {@link EncoderShape} is written out of DJL's functional operators (each one PyTorch op) so that it is the
 * same graph kd4j's {@code TransformerGraph} builds:
 * <pre>
 * x = LN(word[ids] + position[0..length) + type[types])
 * per layer: x = LN(x + Wo · softmax(Q K^T / sqrt(d) + maskBias) V);  x = LN(x + W2 · gelu(W1 x))
 * logits = Wc · (masked mean of x) + bc
 * loss = mean cross-entropy(logits, labels)
 * </pre>
 * Q, K and V are separate projections, GELU is the exact (erf) one, layer-norm epsilon 1e-12, no dropout;
 * weights and embeddings start from N(0, 0.02), biases and LN shifts at 0, LN gains at 1. AdamW: learning
 * rate 2e-5, betas 0.9/0.999, epsilon 1e-8, weight decay 0.01, on every parameter.
 *
 * <p>A {@link BiLstmShape} is kd4j's BiLSTM student ({@code BiLstmGraph} with its {@code BiLstm} layer):
 * <pre>
 * states = BiLSTM(word[ids] + type[types])      PyTorch's own (C++) LSTM, bidirectional, batch first
 * pooled = max over the positions where mask = 1 of states
 * logits = Wc · pooled + bc,  or  Wc · relu(Wh · pooled + bh) + bc
 * </pre>
 * The LSTM starts from PyTorch's own initialisation, the tables and the head from N(0, 0.02); the same AdamW. Two
 * differences from kd4j: PyTorch's LSTM has two bias vectors per direction where kd4j's has one (small), and the word
 * table is trained as {@link BiLstmShape.WordTable} says: every row each step (PyTorch's dense gradient; at 30,522 x
 * 300 this is most of the peer's step) or not at all, where kd4j updates only the rows the batch used.
 *
 * <p>Threads: PyTorch's intra-op pool gets {@value #THREADS_PROPERTY} threads (system property, default 2),
 * applied at each {@link #setUp}; its inter-op pool gets 1, fixed when the engine starts (unless
 * {@code ai.djl.pytorch.num_interop_threads} was set before). DJL runs offline: the natives come from the
 * {@code pytorch-native-cpu} and {@code pytorch-jni} jars on the class path and are extracted into DJL's cache.
 */
public final class PytorchTrainingPeer implements TrainingPeer {

    /** System property: PyTorch intra-op threads. */
    public static final String THREADS_PROPERTY = "kd4j.peer.threads";
    static final float LEARNING_RATE = 2e-5f;

    private static final Logger LOG = LogManager.getLogger(PytorchTrainingPeer.class);
    private static final String ENGINE = "PyTorch";
    private static final Pattern RELEASE = Pattern.compile("^\\d+\\.\\d+\\.\\d+");

    private final float learningRate;
    private Model model;
    private Trainer trainer;
    private long[] ids;
    private long[] types;
    private float[] mask;
    private long[] labels;
    private Shape tokens;
    private float lastLoss = Float.NaN;

    /** The peer as {@link java.util.ServiceLoader} makes it: learning rate 2e-5. */
    public PytorchTrainingPeer() {
        this(LEARNING_RATE);
    }

    PytorchTrainingPeer(float learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public String name() {
        Matcher release = RELEASE.matcher(engine().getVersion());
        String torch = release.find() ? release.group() : engine().getVersion();
        return "PyTorch " + torch + " (DJL " + Engine.getDjlVersion() + ")";
    }

    @Override
    public void setUp(PeerShape shape, int batch, int length, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch: expected at least 1, found " + batch);
        }
        shape.requireLength(length);
        close();
        Engine engine = engine();
        JniUtils.setNumThreads(threads());
        engine.setRandomSeed((int) seed);

        SplittableRandom random = new SplittableRandom(seed);
        int n = batch * length;
        ids = new long[n];
        types = new long[n];
        mask = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(shape.vocab());
            types[i] = random.nextInt(shape.typeVocab());
            mask[i] = 1f;
        }
        labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(shape.labels());
        }
        tokens = new Shape(batch, length);

        boolean encoder = shape instanceof EncoderShape;
        model = Model.newInstance("kd4j-peer-" + (encoder ? "encoder" : "bilstm"), Device.cpu(), ENGINE);
        model.setBlock(encoder ? new Encoder((EncoderShape) shape) : new BiLstmClassifier((BiLstmShape) shape));
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optDevices(new Device[] {Device.cpu()})
                .optOptimizer(Optimizer.adamW()
                        .optLearningRateTracker(Tracker.fixed(learningRate))
                        .optWeightDecays(0.01f)
                        .build());
        trainer = model.newTrainer(config);
        trainer.initialize(tokens, tokens, tokens);
        LOG.debug("{}: {} at {}x{}, {} intra-op / {} inter-op threads", name(), shape, batch, length,
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    }

    @Override
    public void step() {
        if (trainer == null) {
            throw new IllegalStateException("step() before setUp()");
        }
        // every array of the step (inputs, activations, loss) lives in this scope and is freed with it
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDList inputs = new NDList(scope.create(ids, tokens), scope.create(types, tokens),
                    scope.create(mask, tokens));
            NDList target = new NDList(scope.create(labels));
            try (GradientCollector gradients = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss().evaluate(target, trainer.forward(inputs, target));
                gradients.backward(loss);
                lastLoss = loss.getFloat();
            }
            trainer.step();
        }
    }

    /** The loss of the last {@link #step()}, before its update; NaN before the first. */
    float lastLoss() {
        return lastLoss;
    }

    /** A copy of every parameter's values, by name (in the block's order). */
    Map<String, float[]> parameterValues() {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.getBlock().getParameters().forEach(p -> values.put(p.getKey(), p.getValue().getArray().toFloatArray()));
        return values;
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
            trainer = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
        lastLoss = Float.NaN;
    }

    static int threads() {
        int threads = Integer.getInteger(THREADS_PROPERTY, 2);
        if (threads < 1) {
            throw new IllegalArgumentException(THREADS_PROPERTY + ": expected at least 1, found " + threads);
        }
        return threads;
    }

    /** The PyTorch engine, started offline with the thread settings above on first use. */
    private static Engine engine() {
        setIfAbsent("offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads()));
        // DJL probes for CUDA and warns when the driver is too old; the CPU peer does not care
        Configurator.setLevel("ai.djl.util.cuda", Level.ERROR);
        return Engine.getEngine(ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** What both models' blocks share: parameters by name, their initializers, and linear maps. */
    abstract static class PeerBlock extends AbstractBlock {

        static NDArray lookup(NDArray ids, NDArray table) {
            return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        }

        Parameter weight(String name, long rows, long columns) {
            return parameter(name, Parameter.Type.WEIGHT, new NormalInitializer(0.02f), new Shape(rows, columns));
        }

        Parameter parameter(String name, Parameter.Type kind, Initializer init, Shape parameterShape) {
            return addParameter(Parameter.builder().setName(name).setType(kind).optInitializer(init)
                    .optShape(parameterShape).build());
        }

        /** A linear map ({@code weight} is {@code [out, in]}, as PyTorch's linear wants it). */
        final class Dense {
            private final Parameter weight;
            private final Parameter bias;

            Dense(String name, int in, int out) {
                weight = weight(name + "_w", out, in);
                bias = parameter(name + "_b", Parameter.Type.BIAS, Initializer.ZEROS, new Shape(out));
            }

            NDArray apply(ParameterStore ps, NDArray x, boolean training) {
                return Linear.linear(x, ps.getValue(weight, x.getDevice(), training),
                        ps.getValue(bias, x.getDevice(), training)).singletonOrThrow();
            }
        }
    }

    /**
     * kd4j's BiLSTM student; inputs: token ids, token types, mask (all [batch, length]). The layers are one
     * call of PyTorch's {@code lstm} op with the weights in its own order (per layer and direction: input weights,
     * recurrent weights, input bias, recurrent bias). DJL 0.36's {@code LSTM} block is not used: it hands PyTorch all
     * weights before all biases, which PyTorch reads as the wrong tensors.
     */
    static final class BiLstmClassifier extends PeerBlock {

        /** Added to the states of padding positions before the max, so that a real token's state always wins. */
        private static final float PADDING_NEG = 1e9f;

        private final BiLstmShape shape;
        private final Parameter word;
        private final Parameter type;
        private final List<Parameter> lstm = new ArrayList<>();
        private final Dense head;
        private final Dense classifier;

        BiLstmClassifier(BiLstmShape shape) {
            this.shape = shape;
            word = addParameter(Parameter.builder().setName("word").setType(Parameter.Type.WEIGHT)
                    .optInitializer(new NormalInitializer(0.02f)).optShape(new Shape(shape.vocab(), shape.embedding()))
                    .optRequiresGrad(shape.wordTable() == BiLstmShape.WordTable.TRAINED).build());
            type = weight("type", shape.typeVocab(), shape.embedding());
            int units = shape.units();
            // PyTorch's initialisation of nn.LSTM: U(-1/sqrt(units), 1/sqrt(units)) for every weight and bias
            Initializer uniform = new UniformInitializer((float) (1 / Math.sqrt(units)));
            for (int layer = 0; layer < shape.layers(); layer++) {
                int in = layer == 0 ? shape.embedding() : 2 * units;
                for (String direction : new String[] {"fwd", "bwd"}) {
                    String p = "lstm" + layer + "_" + direction + "_";
                    lstm.add(parameter(p + "w_ih", Parameter.Type.WEIGHT, uniform, new Shape(4L * units, in)));
                    lstm.add(parameter(p + "w_hh", Parameter.Type.WEIGHT, uniform, new Shape(4L * units, units)));
                    lstm.add(parameter(p + "b_ih", Parameter.Type.BIAS, uniform, new Shape(4L * units)));
                    lstm.add(parameter(p + "b_hh", Parameter.Type.BIAS, uniform, new Shape(4L * units)));
                }
            }
            int pooled = 2 * units;
            head = shape.headUnits() == 0 ? null : new Dense("head", pooled, shape.headUnits());
            classifier = new Dense("classifier", shape.headUnits() == 0 ? pooled : shape.headUnits(), shape.labels());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.get(0);
            NDArray mask = inputs.get(2);
            Device device = ids.getDevice();
            NDArray x = lookup(ids, ps.getValue(word, device, training))
                    .add(lookup(inputs.get(1), ps.getValue(type, device, training)));
            NDList weights = new NDList();
            for (Parameter p : lstm) {
                weights.add(ps.getValue(p, device, training));
            }
            Shape state = new Shape(2L * shape.layers(), ids.getShape().get(0), shape.units());
            NDList initial = new NDList(x.getManager().zeros(state), x.getManager().zeros(state));
            // [batch, length, 2 x units]: batch first, both directions' states side by side
            NDArray states = x.getNDArrayInternal()
                    .lstm(x, initial, weights, true, shape.layers(), 0, training, true, true).head();
            NDArray pooled = states.add(mask.sub(1f).mul(PADDING_NEG).expandDims(2)).max(new int[] {1});
            NDArray hidden = head == null ? pooled : Activation.relu(head.apply(ps, pooled, training));
            return new NDList(classifier.apply(ps, hidden, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), shape.labels())};
        }
    }

    /** The encoder classifier as one DJL block; inputs: token ids, token types, mask (all [batch, length]). */
    static final class Encoder extends PeerBlock {

        private static final float LN_EPSILON = 1e-12f;
        private static final float MASK_NEG = 10000f;

        private final EncoderShape shape;
        private final Parameter word;
        private final Parameter position;
        private final Parameter type;
        private final Norm embeddingNorm;
        private final List<EncoderLayer> layers = new ArrayList<>();
        private final Dense classifier;

        Encoder(EncoderShape shape) {
            this.shape = shape;
            int h = shape.hidden();
            word = weight("word", shape.vocab(), h);
            position = weight("position", shape.positions(), h);
            type = weight("type", shape.typeVocab(), h);
            embeddingNorm = new Norm("embedding_ln", h);
            for (int i = 0; i < shape.layers(); i++) {
                String p = "l" + i + "_";
                layers.add(new EncoderLayer(new Dense(p + "q", h, h), new Dense(p + "k", h, h),
                        new Dense(p + "v", h, h), new Dense(p + "o", h, h), new Norm(p + "attn_ln", h),
                        new Dense(p + "ffn_in", h, shape.ffn()), new Dense(p + "ffn_out", shape.ffn(), h),
                        new Norm(p + "ffn_ln", h)));
            }
            classifier = new Dense("classifier", h, shape.labels());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.get(0);
            NDArray tokenTypes = inputs.get(1);
            NDArray mask = inputs.get(2);
            long batch = ids.getShape().get(0);
            long length = ids.getShape().get(1);
            Device device = ids.getDevice();
            NDArray positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);

            NDArray x = lookup(ids, ps.getValue(word, device, training))
                    .add(lookup(positions, ps.getValue(position, device, training)))
                    .add(lookup(tokenTypes, ps.getValue(type, device, training)));
            x = embeddingNorm.apply(ps, x, training);
            // [batch, 1, 1, length]: 0 on tokens, -10000 on padding
            NDArray maskBias = mask.sub(1f).mul(MASK_NEG).reshape(batch, 1, 1, length);
            double scale = 1.0 / Math.sqrt(shape.headSize());
            for (EncoderLayer layer : layers) {
                NDArray q = heads(layer.q.apply(ps, x, training), batch, length);
                NDArray k = heads(layer.k.apply(ps, x, training), batch, length);
                NDArray v = heads(layer.v.apply(ps, x, training), batch, length);
                NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(maskBias);
                NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3)
                        .reshape(batch, length, shape.hidden());
                x = layer.attentionNorm.apply(ps, x.add(layer.o.apply(ps, context, training)), training);
                NDArray inner = Activation.gelu(layer.ffnIn.apply(ps, x, training));
                x = layer.ffnNorm.apply(ps, x.add(layer.ffnOut.apply(ps, inner, training)), training);
            }
            NDArray weights = mask.expandDims(2);
            NDArray pooled = x.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}));
            return new NDList(classifier.apply(ps, pooled, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), shape.labels())};
        }

        /** {@code [batch, length, hidden]} to {@code [batch, heads, length, headSize]}. */
        private NDArray heads(NDArray x, long batch, long length) {
            return x.reshape(batch, length, shape.heads(), shape.headSize()).transpose(0, 2, 1, 3);
        }

        private record EncoderLayer(Dense q, Dense k, Dense v, Dense o, Norm attentionNorm, Dense ffnIn,
                                    Dense ffnOut, Norm ffnNorm) {}

        /** Layer normalization over the last axis. */
        private final class Norm {
            private final Parameter gain;
            private final Parameter shift;
            private final Shape normalized;

            Norm(String name, int dim) {
                normalized = new Shape(dim);
                gain = parameter(name + "_g", Parameter.Type.GAMMA, Initializer.ONES, normalized);
                shift = parameter(name + "_b", Parameter.Type.BETA, Initializer.ZEROS, normalized);
            }

            NDArray apply(ParameterStore ps, NDArray x, boolean training) {
                return LayerNorm.layerNorm(x, normalized, ps.getValue(gain, x.getDevice(), training),
                        ps.getValue(shift, x.getDevice(), training), LN_EPSILON).singletonOrThrow();
            }
        }
    }
}
