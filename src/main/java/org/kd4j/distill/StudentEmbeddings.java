package org.kd4j.distill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.config.EmbeddingsFrom;
import org.kd4j.data.batch.EncodedDataset;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.tokenize.Encoding;
import org.kd4j.data.tokenize.BertTokenizer;
import org.kd4j.model.EmbeddingLayer;
import org.kd4j.model.EncoderSource;
import org.kd4j.model.ModelImport;
import org.kd4j.model.Pooling;
import org.kd4j.model.TextClassifier;
import org.kd4j.model.UnrecognizedEncoderException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A native student's embedding tables initialised from a pretrained encoder's ({@code student.embeddings}), so that a
 * small student starts from word vectors that already know the language instead of random ones.
 *
 * <p>The encoder's word table {@code E} ({@code vocab x H}) is projected onto its top {@code d} principal directions,
 * {@code d} being the student's width: with {@code mu} the mean row and {@code P} ({@code H x d}) the eigenvectors of
 * the covariance {@code (E - mu)^T (E - mu) / vocab} with the largest eigenvalues, the student's word table is
 * {@code (E - mu) P}. Its position and token-type tables, when it has them, are the encoder's (first rows) times
 * {@code P}. Everything stays trainable. The student's tokenizer must be the encoder's vocabulary.
 *
 * <p>With {@link EmbeddingsFrom#ENCODED}, {@code E} is instead the encoder's output for each token alone: row {@code t}
 * is {@code mean_i h_i}, {@code h} the last layer's states of {@code [CLS] t [SEP]} ({@link #encodedTable}); it is
 * projected the same way, and the student's position and token-type tables keep their own initialisation.
 */
public final class StudentEmbeddings {

    private static final Logger LOG = LogManager.getLogger(StudentEmbeddings.class);

    /** Text whose ids must agree between the student's tokenizer and the encoder's own. */
    private static final String PROBE = "The quick brown fox didn't jump over 1,999 lazy dogs; caf\u00e9 d\u00e9j\u00e0-vu!";

    private StudentEmbeddings() {}

    /** Vocabulary rows per batch when the encoder is run on each token alone. */
    private static final int TOKEN_BATCH = 512;

    /** What the projection kept, from which table. */
    public record Projection(int encoderWidth, int studentWidth, double varianceKept, EmbeddingsFrom from) {}

    /** {@link #initialise(String, TextClassifier, EncoderSource.Files, BertTokenizer, String, EmbeddingsFrom)} from the word table. */
    public static Projection initialise(String key, TextClassifier student, EncoderSource.Files files, BertTokenizer tokenizer,
                                        String tokenizerName) {
        return initialise(key, student, files, tokenizer, tokenizerName, EmbeddingsFrom.WORD_TABLE);
    }

    /**
     * Overwrites {@code student}'s embedding tables with the projected tables of the encoder {@code files}.
     *
     * @param key the config key, for errors
     * @param from the encoder's word table, or its output for each token alone
     * @throws KdException naming {@code key} when the encoder is not a BERT layout, its vocabulary differs from
     *     {@code tokenizer}'s, or the student is wider than the encoder
     */
    public static Projection initialise(String key, TextClassifier student, EncoderSource.Files files, BertTokenizer tokenizer,
                                        String tokenizerName, EmbeddingsFrom from) {
        Map<String, INDArray> weights;
        try {
            weights = ModelImport.require(key).encoderWeights(files.onnx());
        } catch (UnrecognizedEncoderException e) {
            throw new KdException(key + ": " + files.description() + " is not a BERT-layout encoder kd4j can read: " + e.getMessage(), e);
        }
        INDArray words = weights.get(EmbeddingLayer.TOKENS);
        if (words.size(0) != tokenizer.vocabSize()) {
            throw new KdException(key + ": the encoder's word table has " + words.size(0) + " rows but tokenizer.vocab "
                    + tokenizerName + " has " + tokenizer.vocabSize() + " tokens; the student must use the encoder's vocabulary");
        }
        if (files.tokenizer().isPresent()) {
            BertTokenizer own = BertTokenizer.load(files.tokenizer().get().toString());
            int[] ours = tokenizer.wordPieceIds(PROBE);
            int[] theirs = own.wordPieceIds(PROBE);
            if (!Arrays.equals(ours, theirs)) {
                throw new KdException(key + ": tokenizer.vocab " + tokenizerName + " and the encoder's own tokenizer ("
                        + files.tokenizer().get().getFileName() + ") give different ids for \"" + PROBE + "\": "
                        + Arrays.toString(ours) + " vs " + Arrays.toString(theirs));
            }
        }
        Map<String, INDArray> tables = student.embeddings().parameters();
        int width = (int) tables.get(EmbeddingLayer.TOKENS).size(1);
        int encoderWidth = (int) words.size(1);
        if (width > encoderWidth) {
            throw new KdException(key + ": the student's embeddings are " + width + " wide, wider than the encoder's "
                    + encoderWidth + "; a projection can only narrow them");
        }
        INDArray table = from == EmbeddingsFrom.ENCODED ? Nd4j.create(encodedTable(key, files, tokenizer, tokenizerName)) : words;
        double[][] e = table.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] mean = new double[encoderWidth];
        for (double[] row : e) {
            for (int j = 0; j < encoderWidth; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < encoderWidth; j++) {
            mean[j] /= e.length;
        }
        double[][] cov = new double[encoderWidth][encoderWidth];
        double[] centred = new double[encoderWidth];
        for (double[] row : e) {
            for (int j = 0; j < encoderWidth; j++) {
                centred[j] = row[j] - mean[j];
            }
            for (int a = 0; a < encoderWidth; a++) {
                double ca = centred[a];
                double[] out = cov[a];
                for (int b = a; b < encoderWidth; b++) {
                    out[b] += ca * centred[b];
                }
            }
        }
        for (int a = 0; a < encoderWidth; a++) {
            for (int b = a; b < encoderWidth; b++) {
                cov[a][b] /= e.length;
                cov[b][a] = cov[a][b];
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] byValue = new Integer[values.length];
        for (int i = 0; i < byValue.length; i++) {
            byValue[i] = i;
        }
        Arrays.sort(byValue, (a, b) -> Double.compare(values[b], values[a]));
        double total = Arrays.stream(values).map(v -> Math.max(0, v)).sum();
        double kept = 0;
        RealMatrix basis = new Array2DRowRealMatrix(encoderWidth, width);
        for (int k = 0; k < width; k++) {
            basis.setColumnVector(k, eig.getEigenvector(byValue[k]));
            kept += Math.max(0, values[byValue[k]]);
        }
        double[][] p = basis.getData();
        tables.get(EmbeddingLayer.TOKENS).assign(project(e, mean, p, e.length));
        for (String name : from == EmbeddingsFrom.ENCODED ? new String[0]
                : new String[] {EmbeddingLayer.POSITIONS, EmbeddingLayer.TYPES}) {
            INDArray target = tables.get(name);
            INDArray source = weights.get(name);
            if (target == null || source == null) {
                continue;
            }
            if (target.size(0) > source.size(0)) {
                throw new KdException(key + ": the student has " + target.size(0) + " rows of " + name + ", the encoder only "
                        + source.size(0));
            }
            target.assign(project(source.castTo(DataType.DOUBLE).toDoubleMatrix(), new double[encoderWidth], p,
                    (int) target.size(0)));
        }
        Projection projection = new Projection(encoderWidth, width, total == 0 ? 0 : kept / total, from);
        LOG.info("{}: student embeddings from {} ({}): {} -> {} dimensions by principal components ({}% of the table's"
                        + " variance kept)", key, files.description(), from == EmbeddingsFrom.ENCODED
                        ? "its output for each token alone" : "its word table", encoderWidth, width,
                String.format(java.util.Locale.ROOT, "%.1f", 100 * projection.varianceKept()));
        return projection;
    }

    /**
     * The encoder {@code files} run on every vocabulary token alone: row {@code t} ({@code vocab x H}) is the mean of
     * the last layer's states over {@code [CLS] t [SEP]}, the pooling of sentence-embedding models such as MiniLM.
     * The encoder runs on kd4j's transformer after its check against ONNX Runtime, in batches of {@value #TOKEN_BATCH}.
     *
     * @throws KdException naming {@code key} when the encoder is not a BERT layout or does not fit {@code tokenizer}
     */
    public static float[][] encodedTable(String key, EncoderSource.Files files, BertTokenizer tokenizer, String tokenizerName) {
        long start = System.nanoTime();
        TextClassifier encoder = ModelImport.require(key).pretrainedClassifier(key, files, tokenizer, tokenizerName, 3, 2,
                Pooling.MEAN, 0, 0);
        try {
            int vocab = tokenizer.vocabSize();
            List<Encoding> rows = new ArrayList<>(vocab);
            for (int t = 0; t < vocab; t++) {
                rows.add(new Encoding(new int[] {tokenizer.clsId(), t, tokenizer.sepId()}, new int[3]));
            }
            // the task and labels are placeholders: only the inputs are read
            EncodedDataset tokens = new EncodedDataset(GlueTask.SST2, rows, new int[vocab], new double[vocab], 3);
            float[][] table = encoder.features(tokens, TOKEN_BATCH, tokenizer.padId());
            LOG.info("{}: {} run on each of its {} tokens alone in {} s", key, files.description(), vocab,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            return table;
        } finally {
            encoder.release();
        }
    }

    /** Rows {@code 0..rows-1} of {@code (x - mean) p}, as float32. */
    private static INDArray project(double[][] x, double[] mean, double[][] p, int rows) {
        int in = p.length;
        int out = p[0].length;
        float[][] y = new float[rows][out];
        for (int i = 0; i < rows; i++) {
            double[] row = x[i];
            for (int k = 0; k < out; k++) {
                double sum = 0;
                for (int j = 0; j < in; j++) {
                    sum += (row[j] - mean[j]) * p[j][k];
                }
                y[i][k] = (float) sum;
            }
        }
        return Nd4j.create(y);
    }
}
