"""A toy NLI model folder, made here: an ONNX graph whose verdict is "contradiction" when the
pair holds the word "no" and "entailment" otherwise, with a word-level tokenizer. Enough to
run the onnx entailment back-end end to end (feeds, labels, argmax) without a real model."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors


def build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, None])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, None])
    out = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])
    nodes = [
        helper.make_node(
            "Constant", [], ["no_id"], value=helper.make_tensor("v", TensorProto.INT64, [], [2])
        ),
        helper.make_node("Equal", ["input_ids", "no_id"], ["is_no"]),
        helper.make_node("Cast", ["is_no"], ["is_no_f"], to=TensorProto.FLOAT),
        helper.make_node("ReduceSum", ["is_no_f"], ["count"], keepdims=0),
        helper.make_node(
            "Constant", [], ["one"], value=helper.make_tensor("o", TensorProto.FLOAT, [], [1.0])
        ),
        helper.make_node(
            "Constant", [], ["half"], value=helper.make_tensor("h", TensorProto.FLOAT, [1], [0.5])
        ),
        helper.make_node("Sub", ["one", "count"], ["ent"]),
        helper.make_node("Unsqueeze", ["ent", "axes0"], ["ent1"]),
        helper.make_node("Unsqueeze", ["count", "axes0"], ["con1"]),
        helper.make_node("Concat", ["ent1", "half", "con1"], ["flat"], axis=0),
        helper.make_node("Unsqueeze", ["flat", "axes0"], ["logits"]),
    ]
    axes = helper.make_tensor("axes0", TensorProto.INT64, [1], [0])
    graph = helper.make_graph(nodes, "toy-nli", [ids, mask], [out], initializer=[axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / "model.onnx"))
    vocab = {"[UNK]": 0, "[SEP]": 1, "no": 2, "troops": 3, "entered": 4, "kursk": 5}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="$A [SEP]", pair="$A [SEP] $B:1 [SEP]:1", special_tokens=[("[SEP]", 1)]
    )
    tok.save(str(folder / "tokenizer.json"))
    labels = {"0": "ENTAILMENT", "1": "NEUTRAL", "2": "CONTRADICTION"}
    (folder / "config.json").write_text(json.dumps({"id2label": labels}))
    return folder
