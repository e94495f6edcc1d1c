"""PDF signatures (PAdES, with pyHanko): verifying the ones that come in, signing what sohoa
certifies. Files in, files out: no storage and no index here (``workers/signing`` does that)."""
