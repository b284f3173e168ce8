"""The gateway process: channels in, inbox, Rasa, channels out (`python -m bot serve`)."""
