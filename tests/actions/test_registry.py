"""The action server registers exactly our nine actions, not the abstract base."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

EXPECTED = {
    "action_quota_info",
    "action_office_hours",
    "action_office_location",
    "action_service_fees",
    "action_service_requirements",
    "action_lost_damaged_passport",
    "action_follow_up",
    "action_faq_answer",
    "action_detect_language",
}


def test_action_server_registers_the_nine_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == EXPECTED


def test_every_action_is_declared_in_the_domain() -> None:
    import yaml

    from bot import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert EXPECTED <= set(domain["actions"])


def test_every_response_the_actions_use_is_in_the_domain() -> None:
    import re

    import yaml

    from bot import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    used: set[str] = set()
    for path in (PROJECT_ROOT / "actions").glob("*.py"):
        used |= set(re.findall(r'response="(utter_\w+)"', path.read_text(encoding="utf-8")))
    assert used, "the actions should use domain responses"
    assert used <= set(domain["responses"])
