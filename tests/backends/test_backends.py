"""The back-ends against local servers that speak their protocols: the requests overheard
sends, retries, timeouts, and what it says when a server is down or answers garbage."""

from __future__ import annotations

import os
import socket
import time

import pytest

from overheard.backends import entail, translators
from overheard.backends.http import BackendDown, BackendError
from overheard.backends.settings import BackendSettings, entail_settings, translator_settings
from overheard.backends.translators import Piece
from overheard.errors import NotAvailable, OverheardError

from .servers import gloss, serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_settings_option_over_environment_over_case() -> None:
    env = {"OVERHEARD_TRANSLATOR": "libretranslate", "OVERHEARD_TRANSLATOR_URL": "http://env"}
    case = {"translator": "openai", "translator.url": "http://case", "translator.model": "m"}
    assert translator_settings({}, case, {}).kind == "openai"
    from_env = translator_settings({}, case, env)
    assert (from_env.kind, from_env.url, from_env.model) == ("libretranslate", "http://env", "m")
    forced = translator_settings({"translator": "ctranslate2", "translator.model": "/x"}, case, env)
    assert (forced.kind, forced.model) == ("ctranslate2", "/x")
    assert translator_settings({}, {}, {}).kind == "whisper"  # the one that ships
    assert translator_settings({"translator.target": "DE"}, {}, {}).target == "de"
    with pytest.raises(OverheardError, match="unknown translator 'deepl'"):
        translator_settings({"translator": "deepl"}, {}, {})
    with pytest.raises(OverheardError, match="timeout"):
        translator_settings({}, {}, {"OVERHEARD_TRANSLATOR_TIMEOUT": "soon"})
    assert entail_settings({}, {}, {}) is None  # rules alone unless configured
    assert entail_settings({}, {}, {"OVERHEARD_ENTAIL": "openai"}).kind == "openai"  # type: ignore[union-attr]
    # A key is never part of what people read.
    shown = BackendSettings("openai", url="http://h/v1", model="m", key="secret").describe()
    assert "secret" not in shown and "http://h/v1" in shown


def test_openai_requests_are_strict_translation_prompts() -> None:
    with serve("openai") as server:
        t = translators.build(
            BackendSettings("openai", url=server.url, model="qwen-test", key="sk-1")
        )
        out = t.translate([Piece(1, "Войска вошли в Курскую область", "ru"),
                           Piece(2, "Мы", "ru")])  # fmt: skip
    assert out == ["troops entered into Kursk region", "we"]
    assert len(server.requests) == 2
    request = next(r for r in server.requests if r["messages"][-1]["content"] == "Мы")
    assert request["model"] == "qwen-test" and request["temperature"] == 0
    system = request["messages"][0]["content"]
    assert "from Russian into English" in system and "translation only" in system
    assert all(h.get("Authorization") == "Bearer sk-1" for h in server.headers)


def test_openai_answers_that_are_not_translations() -> None:
    for mode, message in (("garbage", "not JSON"), ("wrong", "OpenAI chat-completions")):
        with serve("openai", mode) as server:
            t = translators.build(BackendSettings("openai", url=server.url, model="m"))
            with pytest.raises(BackendError, match=message):
                t.translate([Piece(1, "да", "ru")])
    t = translators.build(BackendSettings("openai", url="http://127.0.0.1:1/v1"))
    assert "model name" in (t.unavailable() or "")
    assert "server URL" in (translators.build(BackendSettings("openai")).unavailable() or "")


def test_retries_then_down_with_one_line() -> None:
    with serve("openai", "flaky") as server:
        t = translators.build(BackendSettings("openai", url=server.url, model="m", retries=1))
        assert t.translate([Piece(1, "да", "ru")]) == ["yes"]  # the 503 was retried
        assert len(server.requests) == 2
    with serve("openai", "500") as server:
        t = translators.build(BackendSettings("openai", url=server.url, model="m", retries=1))
        with pytest.raises(
            BackendDown, match=r"not answering \(HTTP 500: .*model crashed.*2 tries"
        ):
            t.translate([Piece(1, "да", "ru")])
    closed = f"http://127.0.0.1:{free_port()}/v1"
    t = translators.build(BackendSettings("openai", url=closed, model="m", retries=0))
    with pytest.raises(BackendDown, match="is not answering") as down:
        t.translate([Piece(1, "да", "ru")])
    assert isinstance(down.value, NotAvailable) and "\n" not in str(down.value)


def test_a_slow_server_times_out() -> None:
    with serve("openai", "slow", delay=3.0) as server:
        t = translators.build(
            BackendSettings("openai", url=server.url, model="m", timeout=0.5, retries=0)
        )
        started = time.monotonic()
        with pytest.raises(BackendDown, match="timed out"):
            t.translate([Piece(1, "да", "ru")])
        assert time.monotonic() - started < 2.5


def test_libretranslate_batches_by_language() -> None:
    with serve("libretranslate") as server:
        t = translators.build(BackendSettings("libretranslate", url=server.url, key="k"))
        pieces = [Piece(1, "Мы", "ru"), Piece(2, "Україна", "uk"), Piece(3, "танк подбит", "ru"),
                  Piece(4, "Да", None)]  # fmt: skip
        out = t.translate(pieces)
    assert out == ["we", "Ukraine", "tank destroyed", "yes"]
    by_source = {r["source"]: r for r in server.requests}
    assert by_source["ru"]["q"] == ["Мы", "танк подбит"] and by_source["uk"]["q"] == ["Україна"]
    assert by_source["auto"]["q"] == ["Да"]  # language unknown: the server detects it
    assert all(r["target"] == "en" and r["api_key"] == "k" for r in server.requests)
    with serve("libretranslate", "wrong") as server:
        t = translators.build(BackendSettings("libretranslate", url=server.url))
        with pytest.raises(BackendError, match="did not answer with 1 translation"):
            t.translate([Piece(1, "да", "ru")])


def test_entailment_over_openai() -> None:
    with serve("openai") as server:
        e = entail.build(BackendSettings("openai", url=server.url, model="nli-test"))
        assert e.relation("troops entered Kursk", "troops entered Kursk region") == "supports"
        assert e.relation("the strike hit civilian homes", "the strike hit a depot") == (
            "contradicts"
        )
        assert e.relation("the weather was fine", "troops entered Kursk") == "unrelated"
    assert e.source == "entail:openai:nli-test"
    assert "ENTAILMENT" not in server.requests[0]["messages"][-1]["content"]
    with pytest.raises(BackendError, match="no verdict"):
        entail.parse_relation("I cannot say.", "x")
    assert entail.parse_relation("Answer: contradiction", "x") == "contradicts"


def test_local_model_folders_say_what_is_missing(tmp_path) -> None:
    t = translators.build(BackendSettings("ctranslate2", model=str(tmp_path)))
    assert "no model.bin" in (t.unavailable() or "")
    (tmp_path / "model.bin").write_bytes(b"x")
    assert "SentencePiece" in (t.unavailable() or "")
    e = entail.build(BackendSettings("onnx", model=str(tmp_path)))
    assert "no model.onnx" in (e.unavailable() or "")


CT2_MODEL = os.environ.get("OVERHEARD_TEST_CT2_MODEL")


@pytest.mark.skipif(
    not CT2_MODEL,
    reason="set OVERHEARD_TEST_CT2_MODEL to a CTranslate2 OPUS-MT/NLLB ru→en folder to test it",
)
def test_ctranslate2_model_folder() -> None:
    t = translators.build(BackendSettings("ctranslate2", model=CT2_MODEL))
    assert t.unavailable() is None
    out = t.translate([Piece(1, "Москва заявила, что войска вошли в Курскую область.", "ru")])
    assert "Moscow" in out[0] and "Kursk" in out[0]


def test_onnx_entailer_on_a_toy_model(tmp_path) -> None:
    pytest.importorskip("onnx", reason="the dev extra's onnx builds the toy model")
    from .toy_nli import build

    e = entail.build(BackendSettings("onnx", model=str(build(tmp_path / "nli"))))
    assert e.unavailable() is None and e.model.startswith("nli@")
    assert e.relation("Troops entered Kursk on Monday.", "Troops entered Kursk.") == "supports"
    assert e.relation("No troops entered Kursk.", "Troops entered Kursk.") == "contradicts"
    (tmp_path / "nli" / "config.json").write_text('{"id2label": {"0": "A", "1": "B"}}')
    fresh = entail.build(BackendSettings("onnx", model=str(tmp_path / "nli")))
    with pytest.raises(NotAvailable, match="id2label must name"):
        fresh.relation("a", "b")


NLI_MODEL = os.environ.get("OVERHEARD_TEST_NLI_MODEL")


@pytest.mark.skipif(
    not NLI_MODEL,
    reason="set OVERHEARD_TEST_NLI_MODEL to an ONNX NLI folder (model.onnx, tokenizer.json, "
    "config.json) to test it",
)
def test_onnx_nli_model_folder() -> None:
    e = entail.build(BackendSettings("onnx", model=NLI_MODEL))
    assert e.unavailable() is None
    assert e.relation("Troops entered Kursk on Monday.", "Troops entered Kursk.") == "supports"
    assert e.relation("No troops entered Kursk.", "Troops entered Kursk.") == "contradicts"


def test_gloss_fixture_is_deterministic() -> None:
    assert gloss("Танк подбит!") == "tank destroyed !"
