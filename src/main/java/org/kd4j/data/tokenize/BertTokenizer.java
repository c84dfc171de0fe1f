package org.kd4j.data.tokenize;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The BERT WordPiece tokenizer, id for id the same as Hugging Face {@code tokenizers} (the Rust library
 * behind {@code transformers}' fast {@code BertTokenizerFast}), in pure Java.
 *
 * <p>Per text: added/special tokens found in the raw text map straight to their ids; the text between them
 * goes through {@link BertNormalizer}, {@link BertPreTokenizer} and {@link WordPiece}. {@link #encode}
 * then truncates with {@link Truncation} (longest first) and adds {@code [CLS]}/{@code [SEP]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BertTokenizer {

    private final String name;
    private final Vocab vocab;
    private final BertNormalizer normalizer;
    private final WordPiece wordPiece;
    private final AddedVocabulary added;
    private final BertPreTokenizer preTokenizer;
    private final boolean asciiFastPath;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final String fingerprint;
    /** What {@link #writeTokenizerJson} writes back: the WordPiece settings and the added tokens as given. */
    private final WordPieceSettings settings;
    private final List<AddedToken> addedTokens;

    BertTokenizer(String name, Vocab vocab, BertNormalizer normalizer, WordPieceSettings settings,
            List<AddedToken> addedTokens, int clsId, int sepId, int padId) {
        this.name = name;
        this.vocab = vocab;
        this.normalizer = normalizer;
        this.wordPiece = new WordPiece(vocab, settings.unkId(), settings.continuingSubwordPrefix(),
                settings.maxInputCharsPerWord());
        this.added = new AddedVocabulary(addedTokens, vocab, normalizer);
        this.preTokenizer = new BertPreTokenizer(wordPiece, normalizer);
        this.asciiFastPath = added.normalized().isEmpty();
        this.clsId = clsId;
        this.sepId = sepId;
        this.padId = padId;
        this.fingerprint = computeFingerprint(settings);
        this.settings = settings;
        this.addedTokens = List.copyOf(addedTokens);
    }

    /**
     * Loads a tokenizer.
     *
     * @param spec {@code "bert-base-uncased"} or {@code "bert-base-cased"} (bundled), or a path to a
     *     vocab.txt, a tokenizer.json, or a directory holding tokenizer.json (preferred) or vocab.txt. With
     *     a vocab.txt, a tokenizer_config.json beside it sets {@code do_lower_case}, {@code strip_accents}
     *     and {@code tokenize_chinese_chars}; without one the text is lowercased and accents stripped.
     * @throws org.kd4j.KdException if the spec names nothing loadable or the files are invalid
     */
    public static BertTokenizer load(String spec) {
        return TokenizerLoader.load(spec);
    }

    /**
     * Reads a vocab.txt with BERT's normaliser settings ({@code strip_accents} follows {@code lowercase}).
     *
     * @throws org.kd4j.KdException if the file is missing, empty, has duplicate tokens or lacks one of
     *     {@code [PAD] [UNK] [CLS] [SEP]}
     */
    public static BertTokenizer fromVocab(Path vocabTxt, boolean lowercase) {
        return TokenizerLoader.fromVocab(vocabTxt, BertNormalizer.of(lowercase, null, true));
    }

    /**
     * Reads a Hugging Face tokenizer.json of a BERT-style tokenizer.
     *
     * @throws org.kd4j.KdException if the file is missing or not WordPiece with BERT normaliser,
     *     pre-tokeniser and post-processor
     */
    public static BertTokenizer fromTokenizerJson(Path tokenizerJson) {
        return TokenizerJson.read(tokenizerJson);
    }

    /**
     * Encodes one example: {@code [CLS] A [SEP]} (all type 0) or, with {@code textB},
     * {@code [CLS] A [SEP] B [SEP]} (B and its {@code [SEP]} type 1), truncated longest-first so that
     * at most {@code maxLength} tokens remain. No padding.
     *
     * @param textB the second sentence, or null for a single sentence
     * @throws IllegalArgumentException if {@code maxLength} cannot hold the special tokens
     */
    public Encoding encode(String textA, String textB, int maxLength) {
        Objects.requireNonNull(textA, "textA");
        int specials = textB == null ? 2 : 3;
        if (maxLength < specials) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is smaller than the " + specials
                    + " special tokens of a " + (textB == null ? "single sentence ([CLS] A [SEP])"
                            : "sentence pair ([CLS] A [SEP] B [SEP])"));
        }
        BertPreTokenizer.Workspace ws = new BertPreTokenizer.Workspace();
        IntList a = new IntList(32);
        tokenize(textA, a, ws);
        IntList b = null;
        int keptA;
        int keptB = 0;
        if (textB == null) {
            keptA = Truncation.single(a.size(), maxLength - specials);
        } else {
            b = new IntList(32);
            tokenize(textB, b, ws);
            int[] kept = Truncation.longestFirst(a.size(), b.size(), maxLength - specials);
            keptA = kept[0];
            keptB = kept[1];
        }
        int length = keptA + keptB + specials;
        int[] ids = new int[length];
        int[] types = new int[length];
        ids[0] = clsId;
        a.copyTo(keptA, ids, 1);
        ids[keptA + 1] = sepId;
        if (b != null) {
            b.copyTo(keptB, ids, keptA + 2);
            ids[length - 1] = sepId;
            Arrays.fill(types, keptA + 2, length, 1);
        }
        return new Encoding(ids, types);
    }

    /** The ids of one text without special tokens and without truncation. */
    public int[] wordPieceIds(String text) {
        Objects.requireNonNull(text, "text");
        IntList out = new IntList(32);
        tokenize(text, out, new BertPreTokenizer.Workspace());
        return out.toArray();
    }

    /** Number of ids: the WordPiece vocabulary plus added tokens outside it. */
    public int vocabSize() {
        return added.totalSize();
    }

    /** Id of the padding token ({@code [PAD]}), for batching. */
    public int padId() {
        return padId;
    }

    /** Id of {@code [CLS]}, the first token of every encoding. */
    public int clsId() {
        return clsId;
    }

    /** Id of {@code [SEP]}, which ends each sentence. */
    public int sepId() {
        return sepId;
    }

    /** Id of {@code [UNK]}, given to words WordPiece cannot split. */
    public int unkId() {
        return wordPiece.unkId();
    }

    /**
     * Writes this tokenizer as a Hugging Face {@code tokenizer.json} (atomically): WordPiece model, BertNormalizer,
     * BertPreTokenizer, {@code [CLS] A [SEP] (B [SEP])} template, the added tokens with their ids, no padding, and
     * longest-first truncation to {@code maxLength} tokens (0: none). {@link #load} of the file gives a tokenizer with
     * the same {@link #fingerprint()}, and the Rust {@code tokenizers} library the same ids.
     */
    public void writeTokenizerJson(Path file, int maxLength) {
        TokenizerJsonWriter.write(this, file, maxLength);
    }

    Vocab vocab() {
        return vocab;
    }

    BertNormalizer normalizer() {
        return normalizer;
    }

    WordPieceSettings settings() {
        return settings;
    }

    List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** The id of an added token or vocabulary entry, -1 if neither. */
    int tokenId(String content) {
        return added.id(content);
    }

    /** One line, e.g. {@code "bert-base-uncased (30522 tokens, lowercase, strip accents)"}. */
    public String describe() {
        return name + " (" + vocabSize() + " tokens, " + normalizer.describe() + ")";
    }

    /** Hex SHA-256 over the vocabulary, the added tokens and every setting that changes ids. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "BertTokenizer[" + describe() + "]";
    }

    private void tokenize(String text, IntList out, BertPreTokenizer.Workspace ws) {
        AddedTokenMatcher raw = added.raw();
        if (raw.isEmpty()) {
            encodeSegment(text, 0, text.length(), out, ws);
            return;
        }
        IntList matches = ws.matches;
        matches.truncate(0);
        raw.findMatches(text, 0, text.length(), matches);
        int pos = 0;
        for (int k = 0; k < matches.size(); k += 3) {
            if (matches.get(k) > pos) {
                encodeSegment(text, pos, matches.get(k), out, ws);
            }
            out.add(matches.get(k + 2));
            pos = matches.get(k + 1);
        }
        if (pos < text.length()) {
            encodeSegment(text, pos, text.length(), out, ws);
        }
    }

    /** Normalises, pre-tokenises and WordPiece-encodes raw {@code text[from, to)}, free of raw added tokens. */
    private void encodeSegment(String text, int from, int to, IntList out, BertPreTokenizer.Workspace ws) {
        if (asciiFastPath && preTokenizer.encodeAscii(text, from, to, out, ws)) {
            return;
        }
        String normalized = normalizer.normalize(text, from, to);
        AddedTokenMatcher matcher = added.normalized();
        if (matcher.isEmpty()) {
            preTokenizer.encode(normalized, 0, normalized.length(), out, ws);
            return;
        }
        IntList matches = new IntList(8);
        matcher.findMatches(normalized, 0, normalized.length(), matches);
        int pos = 0;
        for (int k = 0; k < matches.size(); k += 3) {
            if (matches.get(k) > pos) {
                preTokenizer.encode(normalized, pos, matches.get(k), out, ws);
            }
            out.add(matches.get(k + 2));
            pos = matches.get(k + 1);
        }
        if (pos < normalized.length()) {
            preTokenizer.encode(normalized, pos, normalized.length(), out, ws);
        }
    }

    private String computeFingerprint(WordPieceSettings settings) {
        StringBuilder sb = new StringBuilder(400_000);
        sb.append("kd4j BertTokenizer 1\n").append(normalizer).append('\n').append(settings).append('\n')
                .append("cls=").append(clsId).append(" sep=").append(sepId).append(" pad=").append(padId)
                .append("\nvocab ").append(vocab.size()).append('\n');
        for (int id = 0; id < vocab.size(); id++) {
            String token = vocab.token(id);
            sb.append(token == null ? "" : token).append('\n');
        }
        sb.append("added\n");
        added.describeAll().forEach(line -> sb.append(line).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
