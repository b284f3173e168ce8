"""Language understanding components for the Rasa pipeline (config.yml)."""
