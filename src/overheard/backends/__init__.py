"""Machine back-ends the user plugs in: translation and entailment.

No translation or entailment model ships in a package overheard can install, so these are
services or model folders the user already has: an OpenAI-compatible server (llama.cpp,
vLLM, Ollama), a LibreTranslate server, a CTranslate2 model folder on disk, an ONNX NLI model
folder, or Whisper's own translate task for speech. Which one, where and with what model comes
from an option, the environment or the case's configuration (``settings.py``); with none
configured, the honest state is "not translated" — never a made-up rendering.

- ``settings.py``: ``BackendSettings`` (kind, url, model, key, target), resolved option >
  environment > case config.
- ``http.py``: JSON over HTTP with timeouts and retries, and the two errors a user reads
  (the service is down; it answered something unusable).
- ``translators.py``: ``Translator`` and its back-ends (``openai``, ``libretranslate``,
  ``ctranslate2``, ``whisper``).
- ``entail.py``: ``Entailer`` (does a statement support, contradict or not address a
  proposition?) with ``openai`` and ``onnx`` back-ends.
"""
