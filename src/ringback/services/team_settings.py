"""The team's settings: calling windows and caps (the guardrail policy, R5, R14), the
daily capacity (R14, R18) and the default region for numbers written without +code.

Stored as plain data (`policy_to_dict`), validated on the way in and out, so a
stored value is always one `policy_from_dict` accepts. Nothing stored: the product
defaults (domain/policy.py) and the `default_region` setting of the environment.
Owners and admins change them; everyone may read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import phonenumbers

from ringback.domain.access import Actor
from ringback.domain.errors import InvalidField, NotPermitted
from ringback.domain.policy import DEFAULT_POLICY, Policy, policy_from_dict, policy_to_dict
from ringback.services.contacts import UowFactory
from ringback.services.ports import UnitOfWork

POLICY_KEY = "policy"
REGION_KEY = "default_region"


@dataclass(frozen=True)
class TeamSettings:
    policy: Policy = DEFAULT_POLICY
    default_region: str | None = None  # None: the environment's `default_region`

    def region(self, fallback: str) -> str:
        return self.default_region or fallback


def stored_policy(uow: UnitOfWork) -> Policy:
    data = uow.settings.get(POLICY_KEY)
    return DEFAULT_POLICY if data is None else policy_from_dict(data)


def load_team_settings(uow_factory: UowFactory) -> TeamSettings:
    with uow_factory() as uow:
        region = uow.settings.get(REGION_KEY)
        return TeamSettings(
            stored_policy(uow), region if isinstance(region, str) and region else None
        )


def load_policy(uow_factory: UowFactory) -> Policy:
    with uow_factory() as uow:
        return stored_policy(uow)


def save_team_settings(
    uow_factory: UowFactory,
    actor: Actor,
    policy_data: Mapping[str, object],
    default_region: str | None,
    now: datetime,
) -> TeamSettings:
    """Validate and store; keys left out of `policy_data` keep their product defaults.

    Only owners and admins may (NotPermitted otherwise); a bad value is an
    InvalidField naming it, and then nothing is stored.
    """
    if not actor.sees_everything:
        raise NotPermitted("only owners and admins change the team's settings")
    policy = policy_from_dict(policy_data)
    region = parse_region(default_region) if default_region else None
    with uow_factory() as uow:
        uow.settings.save(POLICY_KEY, policy_to_dict(policy), now)
        uow.settings.save(REGION_KEY, region or "", now)
        uow.commit()
    return TeamSettings(policy, region)


def parse_region(text: str, field: str = "default_region") -> str:
    region = text.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidField(field, f"{text.strip()!r} is not a region code such as US, GB or DE")
    return region
