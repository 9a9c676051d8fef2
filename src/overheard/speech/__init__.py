"""Speech: decode, VAD, diarization, language ID, ASR, translation, subtitles (issue 3).

Nothing heavy is imported here: ``from overheard.speech.cli import transcribe_command`` must
stay cheap for the main CLI, and a missing back-end (faster-whisper, resemblyzer, torch)
surfaces as NotAvailable only when it is used. Import from the submodules:
``overheard.speech.audio.load_audio``, ``overheard.speech.transcribe.Transcriber``.
"""
