#!/usr/bin/env python3
"""Export a Hugging Face sequence classifier or encoder to ONNX for `kd4j import`.

Usage (needs torch and transformers; onnxruntime optional, for the expected-outputs file):

  # your fine-tuned teacher (a local directory or a hub name your machine can reach)
  python model-import/scripts/export_hf.py --model path/to/finetuned-bert --out teachers/bert --opset 14

  # a tiny randomly initialised model of an architecture, as a test fixture (no download)
  python model-import/scripts/export_hf.py --random bert --out fixtures/bert-tiny --opset 14

Writes into --out: model.onnx (inputs input_ids, attention_mask[, token_type_ids] INT64 [batch_size, sequence_length];
output logits, or last_hidden_state[, pooler_output] with --encoder), tokenizer.json (and vocab.txt) when the model
has a tokenizer, labels.txt (id2label in logit order), and expected.json (a fixed batch and ONNX Runtime's outputs) when
onnxruntime is installed. Then:

  mvn -q compile exec:java -Dexec.classpathScope=test \
      -Dexec.args="import --onnx teachers/bert/model.onnx --out teachers/bert.sdz --labels $(paste -sd, teachers/bert/labels.txt)"

Graph optimisation is left off on purpose: fused ORT ops (com.microsoft domain) are not importable; export with
do_constant_folding=True and opset 11..17 (kd4j's supported range).
"""
import argparse
import json
import os
import sys

TINY = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
            vocab_size=100, max_position_embeddings=64)


def random_model(arch, encoder, labels):
    import transformers as t
    if arch == "bert":
        cfg = t.BertConfig(**TINY, type_vocab_size=2)
    elif arch == "minilm":
        cfg = t.BertConfig(**{**TINY, "num_hidden_layers": 3, "hidden_size": 36, "num_attention_heads": 6,
                              "intermediate_size": 72}, type_vocab_size=2)
    elif arch == "distilbert":
        cfg = t.DistilBertConfig(vocab_size=100, dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64)
    elif arch == "roberta":
        cfg = t.RobertaConfig(**{**TINY, "max_position_embeddings": 66}, type_vocab_size=1, pad_token_id=1)
    elif arch == "electra":
        cfg = t.ElectraConfig(**TINY, embedding_size=16, type_vocab_size=2)
    else:
        sys.exit(f"--random: unknown architecture '{arch}' (bert, minilm, distilbert, roberta, electra)")
    cfg.num_labels = labels
    cls = t.AutoModel if encoder else t.AutoModelForSequenceClassification
    return cls.from_config(cfg), None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="directory or hub name of a fine-tuned model")
    src.add_argument("--random", help="architecture of a tiny random model: bert, minilm, distilbert, roberta, electra")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--opset", type=int, default=14, help="ONNX opset, 11..17 (default 14)")
    p.add_argument("--encoder", action="store_true", help="export the bare encoder (last_hidden_state, pooler_output)")
    p.add_argument("--labels", type=int, default=2, help="label count of a --random classifier")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if not 11 <= a.opset <= 17:
        sys.exit(f"--opset {a.opset}: kd4j imports opsets 11..17")

    import torch
    import transformers as t
    torch.manual_seed(a.seed)
    if a.random:
        model, tokenizer = random_model(a.random, a.encoder, a.labels)
    else:
        cls = t.AutoModel if a.encoder else t.AutoModelForSequenceClassification
        model = cls.from_pretrained(a.model)
        tokenizer = t.AutoTokenizer.from_pretrained(a.model)
    model.eval()
    os.makedirs(a.out, exist_ok=True)

    uses_types = model.config.model_type in ("bert", "electra") and getattr(model.config, "type_vocab_size", 0) > 1
    inputs = ["input_ids", "attention_mask"] + (["token_type_ids"] if uses_types else [])
    outputs = (["last_hidden_state"] + (["pooler_output"] if getattr(model, "pooler", None) is not None else [])) \
        if a.encoder else ["logits"]
    batch, length = 2, 8
    gen = torch.Generator().manual_seed(a.seed)
    example = {
        "input_ids": torch.randint(0, model.config.vocab_size, (batch, length), generator=gen),
        "attention_mask": torch.tensor([[1] * length, [1] * (length - 3) + [0] * 3]),
        "token_type_ids": torch.tensor([[0] * 4 + [1] * 4, [0] * length]),
    }
    args = tuple(example[n] for n in inputs)
    dynamic = {n: {0: "batch_size", 1: "sequence_length"} for n in inputs}
    for o in outputs:
        dynamic[o] = {0: "batch_size", 1: "sequence_length"} if o == "last_hidden_state" else {0: "batch_size"}

    class Wrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            out = self.m(**dict(zip(inputs, xs)), return_dict=True)
            return tuple(out[o] for o in outputs)

    path = os.path.join(a.out, "model.onnx")
    torch.onnx.export(Wrapper(model), args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=a.opset, do_constant_folding=True)
    if tokenizer is not None:
        tokenizer.save_pretrained(a.out)
    if not a.encoder:
        id2label = model.config.id2label
        with open(os.path.join(a.out, "labels.txt"), "w") as f:
            f.write("\n".join(str(id2label[i]) for i in range(len(id2label))) + "\n")
    try:
        import onnxruntime as ort
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        feed = {n: example[n].numpy() for n in inputs}
        got = sess.run(outputs, feed)
        with open(os.path.join(a.out, "expected.json"), "w") as f:
            json.dump({"inputs": {k: v.tolist() for k, v in feed.items()},
                       "outputs": {o: g.tolist() for o, g in zip(outputs, got)}}, f)
    except ImportError:
        print("onnxruntime not installed: no expected.json", file=sys.stderr)
    print(f"wrote {path} ({os.path.getsize(path):,} bytes), inputs {inputs}, outputs {outputs}, opset {a.opset}")


if __name__ == "__main__":
    main()
