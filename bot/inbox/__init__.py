"""The one inbox every channel feeds: contacts, inbound de-duplication, conversation state, outbox."""
