"""Drop extracted entities the actions cannot use, registered for Rasa's graph.

DIET sometimes tags a fragment of a longer annotated span ("paspor" out of "paspor biasa",
"ini" out of "jumat ini"). Such an entity would fill the `office`/`service` slot with a value no
action knows, or make `action_follow_up` answer for a date nobody asked about. After the
EntitySynonymMapper, this component keeps an `office` or `service` entity only when its value is
one of the canonical keys of docs/architecture.md, and a `date` only when
`bot.schedule.dates.parse_date_expression` understands its text. Other entity types pass.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_values import is_usable


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class UsableEntityFilter(GraphComponent):
    """Remove office/service entities with unknown values and dates that cannot be parsed."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UsableEntityFilter:
        """Create the component (it has no state)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Keep only the usable entities of each message."""
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if is_usable(e)]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
