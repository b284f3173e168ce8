"""Custom actions for the passport-office assistant (run by the rasa-sdk action server)."""
