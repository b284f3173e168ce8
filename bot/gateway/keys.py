"""Typed keys of the gateway's aiohttp application state."""

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.inbox.inbox import Inbox
from bot.inbox.rasa_client import RasaClient
from bot.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
SESSION_FACTORY = web.AppKey("session_factory", sessionmaker)
RASA = web.AppKey("rasa", RasaClient)
INBOX = web.AppKey("inbox", Inbox)
