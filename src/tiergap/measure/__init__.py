"""What a response shows: protocol parsing and the detectors (emoji, LaTeX, stance)."""
