"""Telegram channel (python-telegram-bot): webhook or long polling, outbox delivery, staff CLI."""
