"""Speech: decode, VAD, diarization, language ID, ASR, translation, subtitles (issue 3).

Heavy back-ends (faster-whisper, resemblyzer, torch) are imported lazily, so importing this
package is cheap and a missing back-end surfaces as NotAvailable only when it is used.
"""

from overheard.speech.audio import Audio, load_audio

__all__ = ["Audio", "load_audio"]
