"""Channel adapters (web chat, Telegram, WhatsApp) and the Rasa-side gateway channel."""
