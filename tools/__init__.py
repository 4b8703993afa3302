"""The generation pipeline: overlay, validate, generate, check, mock, drift."""
