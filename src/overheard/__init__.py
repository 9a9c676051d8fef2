"""overheard: intercepted audio and open-source reports into a sourced record of who said what."""

from overheard import offline

__version__ = "0.1.0"

offline.seal()  # before any model library loads: docs/PRIVACY.md
