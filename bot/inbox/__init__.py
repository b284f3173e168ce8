"""The one inbox every channel feeds: contacts, de-duplication, conversation state, outbox."""
