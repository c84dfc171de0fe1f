#!/usr/bin/env python3
"""Write the torch-export test fixtures: tiny BERTs exported by the real PyTorch ONNX exporter.

Usage (needs torch and onnx; transformers is NOT needed, nor onnxruntime):

  python3 -B model-import/scripts/export_torch_fixtures.py \
      --out model-import/src/test/resources/fixtures/torch-export

The modules below are written in plain torch but mirror Hugging Face's BertModel /
BertForSequenceClassification (transformers 4.3x) module tree, parameter names and forward pass op for op:
absolute position embeddings sliced from a position_ids buffer, the extended attention mask
(1 - mask) * finfo(float32).min added to the scores, scores / sqrt(head_size), transpose_for_scores via view +
permute, exact erf GELU (or the tanh approximation), post-LN residual blocks, a tanh pooler on token 0 and a
linear head on the pooler. Dropout modules are present as in HF and inactive (eval mode).

DistilBERT likewise mirrors DistilBertModel / DistilBertForSequenceClassification (transformers 4.3x): word +
position embeddings (no token types, so its exports have two inputs), q_lin/k_lin/v_lin/out_lin with the query
scaled before the scores product, the mask applied by masked_fill(mask == 0, finfo.min), sa_layer_norm and
output_layer_norm, an FFN of lin1, erf GELU, lin2; the classifier reads hidden_state[:, 0] through pre_classifier and
ReLU, then classifier. ELECTRA mirrors ElectraModel / ElectraForSequenceClassification: BERT's embeddings (at
embedding_size) and encoder, embeddings_project when embedding_size differs from hidden_size (small; base and large
have none), no pooler, and a head of dense, erf GELU and out_proj on the first token.

For every exported file <name>.onnx it also writes
  <name>.expected.json  the module's own outputs (float32, eval mode) on three fixed input sets
  <name>.params.json    the state_dict's names and shapes (what a weight mapper sees)

This script is not run in CI; its outputs are committed. It is deterministic for a given torch version.
"""
import argparse
import hashlib
import json
import math
import os

import torch
from torch import nn


# ---------------------------------------------------------------------------------------------------------------------
# The model, in HF's module layout
# ---------------------------------------------------------------------------------------------------------------------

class Config:
    def __init__(self, vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12,
                 gelu="none", add_pooling_layer=True, num_labels=2):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.layer_norm_eps = layer_norm_eps
        self.gelu = gelu  # torch's GELU `approximate`: "none" (erf) or "tanh"
        self.add_pooling_layer = add_pooling_layer
        self.num_labels = num_labels

    def as_dict(self):
        return dict(self.__dict__)


class BertEmbeddings(nn.Module):
    """At the hidden size, or at ELECTRA's embedding_size where a config has one (ElectraEmbeddings)."""

    def __init__(self, c):
        super().__init__()
        width = getattr(c, "embedding_size", c.hidden_size)
        self.word_embeddings = nn.Embedding(c.vocab_size, width, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, width)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, width)
        self.LayerNorm = nn.LayerNorm(width, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)
        # as in transformers >= 4.31: a non-persistent buffer, so not in the state_dict
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size()[1]
        position_ids = self.position_ids[:, 0:seq_length]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c.num_attention_heads
        self.attention_head_size = c.hidden_size // c.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(c.hidden_size, self.all_head_size)
        self.key = nn.Linear(c.hidden_size, self.all_head_size)
        self.value = nn.Linear(c.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = self.dropout(nn.functional.softmax(attention_scores, dim=-1))
        context_layer = torch.matmul(attention_probs, value_layer).permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.intermediate_act_fn = nn.GELU(approximate=c.gelu)

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class LayerStack(nn.Module):
    """BertEncoder and DistilBERT's Transformer alike: `layer`, a list of blocks applied in turn."""

    def __init__(self, c, block):
        super().__init__()
        self.layer = nn.ModuleList([block(c) for _ in range(c.num_hidden_layers)])

    def forward(self, hidden_states, attention_mask):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask)
        return hidden_states


def BertEncoder(c):
    return LayerStack(c, BertLayer)


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    """Outputs (last_hidden_state, pooler_output), or last_hidden_state alone without a pooler."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if c.add_pooling_layer else None

    def forward(self, input_ids, attention_mask, token_type_ids):
        # get_extended_attention_mask: [batch, 1, 1, seq], 0 where attended, finfo.min where masked
        extended_attention_mask = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(torch.float32).min
        sequence_output = self.encoder(self.embeddings(input_ids, token_type_ids), extended_attention_mask)
        if self.pooler is None:
            return sequence_output
        return sequence_output, self.pooler(sequence_output)


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        _, pooled_output = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(self.dropout(pooled_output))


# ---------------------------------------------------------------------------------------------------------------------
# DistilBERT, in HF's module layout (DistilBertModel / DistilBertForSequenceClassification, transformers 4.3x)
# ---------------------------------------------------------------------------------------------------------------------

class DistilEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).expand((1, -1)), persistent=False)

    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        embeddings = self.word_embeddings(input_ids) + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads = c.num_attention_heads
        self.dim = c.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.q_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.k_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.v_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.out_lin = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, query, key, value, mask):
        bs, q_length, dim = query.size()
        k_length = key.size(1)
        dim_per_head = self.dim // self.n_heads
        mask_reshp = (bs, 1, 1, k_length)

        def shape(x):
            return x.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        def unshape(x):
            return x.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)

        q = shape(self.q_lin(query))
        k = shape(self.k_lin(key))
        v = shape(self.v_lin(value))
        q = q / math.sqrt(dim_per_head)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(mask_reshp).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = self.dropout(nn.functional.softmax(scores, dim=-1))
        context = unshape(torch.matmul(weights, v))
        return self.out_lin(context)


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dropout = nn.Dropout(0.1)
        self.lin1 = nn.Linear(c.hidden_size, c.intermediate_size)
        self.lin2 = nn.Linear(c.intermediate_size, c.hidden_size)
        self.activation = nn.GELU()

    def forward(self, x):
        return self.dropout(self.lin2(self.activation(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)

    def forward(self, x, attn_mask):
        sa_output = self.sa_layer_norm(self.attention(x, x, x, attn_mask) + x)
        return self.output_layer_norm(self.ffn(sa_output) + sa_output)


def DistilTransformer(c):
    return LayerStack(c, TransformerBlock)


class DistilBertModel(nn.Module):
    """Outputs last_hidden_state; inputs input_ids and attention_mask (DistilBERT has no token types)."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = DistilEmbeddings(c)
        self.transformer = DistilTransformer(c)

    def forward(self, input_ids, attention_mask):
        return self.transformer(self.embeddings(input_ids), attention_mask)


class DistilBertForSequenceClassification(nn.Module):
    """hidden_state[:, 0] -> pre_classifier -> ReLU -> dropout -> classifier."""

    def __init__(self, c):
        super().__init__()
        self.distilbert = DistilBertModel(c)
        self.pre_classifier = nn.Linear(c.hidden_size, c.hidden_size)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        self.dropout = nn.Dropout(0.2)

    def forward(self, input_ids, attention_mask):
        pooled_output = self.distilbert(input_ids, attention_mask)[:, 0]
        pooled_output = nn.ReLU()(self.pre_classifier(pooled_output))
        return self.classifier(self.dropout(pooled_output))


# ---------------------------------------------------------------------------------------------------------------------
# ELECTRA with its embedding size equal to its hidden size (base, large: no embeddings_project), in HF's module layout
# (ElectraModel / ElectraForSequenceClassification, transformers 4.3x): BERT's embeddings and encoder under the
# `electra.` prefix, no pooler; the classification head reads the first token through dense, GELU and out_proj.
# ---------------------------------------------------------------------------------------------------------------------

class ElectraModel(nn.Module):
    """embeddings_project only when embedding_size differs from hidden_size (ELECTRA-small), as in ElectraModel."""

    def __init__(self, c):
        super().__init__()
        projected = getattr(c, "embedding_size", c.hidden_size) != c.hidden_size
        self.embeddings = BertEmbeddings(c)
        if projected:
            self.embeddings_project = nn.Linear(c.embedding_size, c.hidden_size)
        self.encoder = BertEncoder(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        extended_attention_mask = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(torch.float32).min
        hidden_states = self.embeddings(input_ids, token_type_ids)
        if hasattr(self, "embeddings_project"):
            hidden_states = self.embeddings_project(hidden_states)
        return self.encoder(hidden_states, extended_attention_mask)


class ElectraClassificationHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.activation = nn.GELU()
        self.dropout = nn.Dropout(0.1)
        self.out_proj = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, features):
        x = self.dropout(features[:, 0, :])
        x = self.dropout(self.activation(self.dense(x)))
        return self.out_proj(x)


class ElectraForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.electra = ElectraModel(c)
        self.classifier = ElectraClassificationHead(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.electra(input_ids, attention_mask, token_type_ids))


# ---------------------------------------------------------------------------------------------------------------------
# Variants, export matrix, inputs
# ---------------------------------------------------------------------------------------------------------------------

def with_embedding_size(config, size):
    """ELECTRA-small's shape: embedding tables narrower than the hidden size (an attribute only this config has)."""
    config.embedding_size = size
    return config


# variant -> (config, classifier?, output names, seed)
VARIANTS = {
    "bert-encoder": (Config(), False, ["last_hidden_state", "pooler_output"], 11),
    "bert-classifier": (Config(), True, ["logits"], 12),
    "bert-gelutanh-classifier": (Config(gelu="tanh", layer_norm_eps=1e-5), True, ["logits"], 13),
    "minilm-encoder": (Config(add_pooling_layer=False), False, ["last_hidden_state"], 14),
    "distilbert-encoder": (Config(add_pooling_layer=False, type_vocab_size=0), False, ["last_hidden_state"], 15),
    "distilbert-classifier": (Config(add_pooling_layer=False, type_vocab_size=0), True, ["logits"], 16),
    "electra-classifier": (Config(add_pooling_layer=False), True, ["logits"], 17),
    "electra-small-classifier": (with_embedding_size(Config(add_pooling_layer=False), 16), True, ["logits"], 18),
}

# (variant, opset, static shape or None): every opset and every variant, not every combination
EXPORTS = [
    ("bert-encoder", 11, None),
    ("bert-encoder", 14, None),
    ("bert-encoder", 17, None),
    ("bert-classifier", 13, None),
    ("bert-classifier", 17, None),
    ("bert-classifier", 14, (2, 7)),
    ("bert-gelutanh-classifier", 11, None),
    ("bert-gelutanh-classifier", 14, None),
    ("minilm-encoder", 13, None),
    ("minilm-encoder", 17, None),
    ("distilbert-encoder", 14, None),
    ("distilbert-classifier", 11, None),
    ("distilbert-classifier", 17, None),
    ("electra-classifier", 13, None),
    ("electra-classifier", 17, None),
    ("electra-small-classifier", 14, None),
]

PAD, CLS, SEP = 0, 2, 3


def make_batch(gen, vocab_size, lengths, seq_len, pair):
    """Rows of [CLS] a.. [SEP] (b.. [SEP]) then [PAD]s; `lengths` are the unpadded row lengths."""
    ids, mask, types = [], [], []
    for n in lengths:
        body = torch.randint(4, vocab_size, (n,), generator=gen).tolist()
        row = [CLS] + body[: n - 2] + [SEP]
        first = n if not pair else max(2, n // 2)
        if pair:
            row[first - 1] = SEP
        typ = [0] * first + [1] * (n - first)
        ids.append(row + [PAD] * (seq_len - n))
        mask.append([1] * n + [0] * (seq_len - n))
        types.append(typ + [0] * (seq_len - n))
    t = lambda rows: torch.tensor(rows, dtype=torch.int64)
    return t(ids), t(mask), t(types)


def input_sets(vocab_size, static):
    gen = torch.Generator().manual_seed(20261201)
    if static is None:
        # batch 1 length 5 unpadded single segment; batch 2 length 9, row 1 padded, pairs;
        # batch 3 length 12, rows 0 and 2 padded, pairs
        specs = [([5], 5, False), ([9, 6], 9, True), ([7, 12, 4], 12, True)]
    else:
        b, s = static
        specs = [([s] * b, s, False), ([s] + [s - 3] * (b - 1), s, True), ([s - 2] * b, s, True)]
    return [make_batch(gen, vocab_size, lengths, seq_len, pair) for lengths, seq_len, pair in specs]


def is_distilbert(variant):
    return variant.startswith("distilbert")


def input_names(variant):
    """DistilBERT exports have no token_type_ids input."""
    return ["input_ids", "attention_mask"] + ([] if is_distilbert(variant) else ["token_type_ids"])


def build(variant):
    config, classifier, outputs, seed = VARIANTS[variant]
    torch.manual_seed(seed)
    if is_distilbert(variant):
        model = DistilBertForSequenceClassification(config) if classifier else DistilBertModel(config)
    elif variant.startswith("electra"):
        model = ElectraForSequenceClassification(config)
    else:
        model = BertForSequenceClassification(config) if classifier else BertModel(config)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.empty(p.shape).normal_(0.0, 0.2, generator=gen)
            # LayerNorm gains around 1 (not 0), so that layers do not shrink the signal
            p.copy_(1.0 + noise if name.endswith("LayerNorm.weight") else noise)
    return model.eval(), config, outputs


def rounded(x):
    """Nested lists; floats with 9 significant digits (exact for float32)."""
    if x.dtype.is_floating_point:
        return [float(f"{v:.9g}") for v in x.flatten().tolist()] if x.dim() == 1 else [rounded(r) for r in x]
    return x.tolist()


def export(model, config, outputs, opset, static, path, names):
    example = input_sets(config.vocab_size, static)[1][: len(names)]
    dynamic = None
    if static is None:
        dynamic = {n: {0: "batch", 1: "sequence"} for n in names}
        for o in outputs:
            dynamic[o] = {0: "batch", 1: "sequence"} if o == "last_hidden_state" else {0: "batch"}
    torch.onnx.export(model, example, path, input_names=names, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=opset, do_constant_folding=True, export_params=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import onnx  # only to check the files

    for variant, opset, static in EXPORTS:
        model, config, outputs = build(variant)
        name = f"{variant}-opset{opset}" + (f"-static{static[0]}x{static[1]}" if static else "")
        onnx_path = os.path.join(args.out, name + ".onnx")
        names = input_names(variant)
        export(model, config, outputs, opset, static, onnx_path, names)
        onnx.checker.check_model(onnx.load(onnx_path))

        cases = []
        with torch.no_grad():
            for ids, mask, types in input_sets(config.vocab_size, static):
                given = (ids, mask, types)[: len(names)]
                out = model(*given)
                out = out if isinstance(out, tuple) else (out,)
                cases.append({
                    "inputs": {n: t.tolist() for n, t in zip(names, given)},
                    "outputs": {n: rounded(t) for n, t in zip(outputs, out)},
                })
        expected = {"model": name + ".onnx", "variant": variant, "opset": opset,
                    "static_shape": list(static) if static else None, "torch": torch.__version__,
                    "config": config.as_dict(), "cases": cases}
        with open(os.path.join(args.out, name + ".expected.json"), "w") as f:
            json.dump(expected, f, separators=(",", ":"))
            f.write("\n")
        with open(os.path.join(args.out, name + ".params.json"), "w") as f:
            lines = [f"  {json.dumps(k)}: {json.dumps(list(v.shape))}" for k, v in model.state_dict().items()]
            f.write("{\n" + ",\n".join(lines) + "\n}\n")
        with open(onnx_path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print(f"{name}.onnx {os.path.getsize(onnx_path)} bytes sha256 {digest}")


if __name__ == "__main__":
    main()
