"""Builders of Telegram updates, in the shapes of the real payloads in
../shared/reference/payloads/telegram/ (Bot API docs and Rasa's test fixtures)."""

from __future__ import annotations

from typing import Any

CHAT_ID = 1111111
OTHER_CHAT_ID = 2222222
GROUP_ID = -100222333


def _user(user_id: int = CHAT_ID) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Test Firstname",
        "last_name": "Test Lastname",
        "username": "Testusername",
        "language_code": "id",
    }


def _chat(chat_id: int = CHAT_ID) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "supergroup", "title": "Grup Warga"}
    return {
        "id": chat_id,
        "type": "private",
        "first_name": "Test Firstname",
        "last_name": "Test Lastname",
        "username": "Testusername",
    }


def message(update_id: int, chat_id: int = CHAT_ID, **content: Any) -> dict[str, Any]:
    """An update with a new message; `content` adds text, photo, location, entities..."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1000 + update_id,
            "from": _user(chat_id if chat_id > 0 else CHAT_ID),
            "chat": _chat(chat_id),
            "date": 1441645532,
            **content,
        },
    }


def text(update_id: int, value: str, chat_id: int = CHAT_ID, **extra: Any) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity like Telegram sends."""
    content: dict[str, Any] = {"text": value, **extra}
    if value.startswith("/"):
        command = value.split()[0]
        content.setdefault("entities", [])
        content["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(command)},
            *content["entities"],
        ]
    return message(update_id, chat_id, **content)


def edited(update_id: int, value: str, chat_id: int = CHAT_ID) -> dict[str, Any]:
    """An edited message (Rasa's fixture shape)."""
    return {
        "update_id": update_id,
        "edited_message": {
            "message_id": 591,
            "from": _user(),
            "chat": _chat(chat_id),
            "date": 1621577771,
            "edit_date": 1621580124,
            "text": value,
        },
    }


def inline_query(update_id: int, query: str = "paspor") -> dict[str, Any]:
    """An inline query (`@bot paspor` typed in any chat): not something we handle."""
    return {
        "update_id": update_id,
        "inline_query": {"id": f"iq-{update_id}", "from": _user(), "query": query, "offset": ""},
    }


def callback(
    update_id: int, data: str, chat_id: int = CHAT_ID, message_id: int = 500
) -> dict[str, Any]:
    """A tap on an inline button of the bot's message `message_id`."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq-{update_id}",
            "from": _user(chat_id if chat_id > 0 else CHAT_ID),
            "chat_instance": "-123456789",
            "data": data,
            "message": {
                "message_id": message_id,
                "from": {"id": 7000001, "is_bot": True, "first_name": "Asisten Paspor"},
                "chat": _chat(chat_id),
                "date": 1441645532,
                "text": "Ada lagi?",
            },
        },
    }


MEDIA: dict[str, dict[str, Any]] = {
    "photo": {
        "photo": [
            {"file_id": "AgAD-1", "file_unique_id": "u1", "width": 90, "height": 90},
            {"file_id": "AgAD-2", "file_unique_id": "u2", "width": 800, "height": 800},
        ]
    },
    "sticker": {
        "sticker": {
            "file_id": "CAAD-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "voice": {
        "voice": {
            "file_id": "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX",
            "file_unique_id": "v1",
            "duration": 5,
            "mime_type": "audio/ogg",
            "file_size": 23000,
        }
    },
    "document": {
        "document": {
            "file_id": "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX",
            "file_unique_id": "d1",
            "file_name": "Testfile.pdf",
            "mime_type": "application/pdf",
            "file_size": 536392,
        }
    },
}

LOCATION = {"location": {"latitude": -0.0263, "longitude": 109.3425}}
