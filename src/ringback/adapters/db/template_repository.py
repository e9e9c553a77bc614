"""SQLAlchemy Core storage of the users' message templates and variants (issue 5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Row, and_, insert, select, update

from ringback.adapters.db.tables import message_templates
from ringback.domain.scripts import MessageTemplate, parse_step

_T = message_templates


class SqlTemplateRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def save(self, template: MessageTemplate, at: datetime) -> None:
        key, audience, variant = template.identity
        values = {
            "step": template.step.value,
            "subject": template.subject,
            "body": template.body,
            "updated_at": at,
        }
        found = self.connection.execute(
            update(_T).where(_identity(key, audience, variant)).values(**values)
        )
        if found.rowcount == 0:
            self.connection.execute(
                insert(_T).values(key=key, audience=audience, variant=variant, **values)
            )

    def get(self, key: str, audience: str, variant: str) -> MessageTemplate | None:
        row = self.connection.execute(select(_T).where(_identity(key, audience, variant))).first()
        return None if row is None else _template(row)

    def list(self, key: str | None = None) -> list[MessageTemplate]:
        query = select(_T).order_by(_T.c.audience, _T.c.key, _T.c.variant)
        if key is not None:
            query = query.where(_T.c.key == key)
        return [_template(row) for row in self.connection.execute(query)]


def _identity(key: str, audience: str, variant: str) -> ColumnElement[bool]:
    return and_(_T.c.key == key, _T.c.audience == audience, _T.c.variant == variant)


def _template(row: Row[tuple[object, ...]]) -> MessageTemplate:
    return MessageTemplate(
        key=row.key,
        step=parse_step(row.step),
        audience=row.audience,
        variant=row.variant,
        body=row.body,
        subject=row.subject,
    )
