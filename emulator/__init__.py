"""meeting-emulator: local, faithful copies of meeting, recording and transcription platform APIs."""

__version__ = "0.1.0"
