"""Messaging channels on one framework (bot/channels/base.py, bot/channels/runtime.py).

Each channel is a package here; bot/channels/registry.py lists the ones the gateway mounts.
`rasa_input.py` is the other side: the Rasa input channel through which the gateway reaches Rasa.
"""
