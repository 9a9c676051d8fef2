"""overheard: intercepted audio and open-source reports into a sourced record of who said what."""

__version__ = "0.1.0"
